import { describe, expect, it } from "vitest";
import { groupThousands, plural } from "./context";

describe("plural / groupThousands", () => {
  it("groups digits as en-US does, for every magnitude and sign", () => {
    for (const n of [0, 1, 7, 12, 999, 1000, 1001, 12_345, 999_999, 1_000_000, 123_456_789, 2 ** 40, -1, -1000, -123_456]) {
      expect(groupThousands(n), String(n)).toBe(n.toLocaleString("en-US"));
    }
    expect(groupThousands(1.5)).toBe("1.5");
  });

  it("says one or many", () => {
    expect(plural(1, "key")).toBe("1 key");
    expect(plural(1234, "key")).toBe("1,234 keys");
    expect(plural(2, "database", "databases")).toBe("2 databases");
  });
});
