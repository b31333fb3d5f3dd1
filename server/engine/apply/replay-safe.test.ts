import { describe, expect, it } from "vitest";
import { isReplaySafe } from "./replay-safe";

const argv = (...a: string[]) => a.map((x) => Buffer.from(x));

describe("isReplaySafe", () => {
  it("sends constant writes again, fences the others", () => {
    expect(isReplaySafe(argv("SET", "k", "v"))).toBe(true);
    expect(isReplaySafe(argv("XADD", "s", "1-1", "f", "v"))).toBe(true);
    expect(isReplaySafe(argv("XADD", "s", "*", "f", "v"))).toBe(false);
    expect(isReplaySafe(argv("INCR", "k"))).toBe(false);
    expect(isReplaySafe(argv("ZADD", "z", "INCR", "1", "m"))).toBe(false);
  });

  it("fences XCLAIM: sent again after its entry's XDEL it would drop the pending entry (found by the fuzz soak)", () => {
    expect(isReplaySafe(argv("XCLAIM", "s", "g", "alice", "0", "1-1", "TIME", "1", "RETRYCOUNT", "2", "FORCE", "JUSTID", "LASTID", "1-1"))).toBe(false);
  });
});
