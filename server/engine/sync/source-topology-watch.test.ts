import { describe, expect, it } from "vitest";
import { describeSlotMoves } from "./source-topology-watch";

type R = Array<[number, number]>;
const map = (entries: Array<[string, R]>) => new Map(entries);

describe("describeSlotMoves", () => {
  const a = "10.0.0.1:6379", b = "10.0.0.2:6379", c = "10.0.0.3:6379";
  const before = map([[a, [[0, 5460]]], [b, [[5461, 10922]]], [c, [[10923, 16383]]]]);

  it("says nothing when no slot changed owner (ranges listed in another order too)", () => {
    expect(describeSlotMoves(before, map([[c, [[10923, 16383]]], [b, [[5461, 10922]]], [a, [[0, 5460]]]]))).toEqual([]);
    expect(describeSlotMoves(before, map([[a, [[0, 100], [101, 5460]]], [b, [[5461, 10922]]], [c, [[10923, 16383]]]]))).toEqual([]);
  });

  it("names the slots that moved, by pair of owners", () => {
    const after = map([[a, [[0, 5000]]], [b, [[5001, 10922]]], [c, [[10923, 16383]]]]);
    const lines = describeSlotMoves(before, after);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("460 slots 5001-5460 moved from 10.0.0.1:6379 to 10.0.0.2:6379");
  });

  it("treats an owner that is no master any more as a failover, not a reshard", () => {
    const d = "10.0.0.4:6379";
    expect(describeSlotMoves(before, map([[d, [[0, 5460]]], [b, [[5461, 10922]]], [c, [[10923, 16383]]]]))).toEqual([]);
  });
});
