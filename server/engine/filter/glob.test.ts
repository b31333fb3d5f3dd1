import { describe, expect, it } from "vitest";
import { globMatch } from "./glob";
import { KeyFilter, keyFilterOf } from "./key-filter";
import { filterCommand } from "./plan-filter";

const m = (p: string, k: string | Buffer) => globMatch(Buffer.from(p), typeof k === "string" ? Buffer.from(k) : k);

describe("globMatch (Redis MATCH semantics)", () => {
  it.each([
    ["user:*", "user:1", true],
    ["user:*", "user:", true],
    ["user:*", "users:1", false],
    ["*", "", true],
    ["h?llo", "hallo", true],
    ["h?llo", "hllo", false],
    ["h[ae]llo", "hello", true],
    ["h[ae]llo", "hillo", false],
    ["h[^e]llo", "hallo", true],
    ["h[^e]llo", "hello", false],
    ["h[a-b]llo", "hbllo", true],
    ["h[b-a]llo", "hallo", true],
    ["a\\*b", "a*b", true],
    ["a\\*b", "axb", false],
    ["[\\]]", "]", true],
    ["*:tmp", "x:y:tmp", true],
    ["a*b*c", "aXbYc", true],
    ["a*b*c", "aXbY", false],
    ["k**", "k", true],
  ])("%s ~ %s = %s", (p, k, want) => {
    expect(m(p, k)).toBe(want);
  });

  it("matches bytes that are not UTF-8", () => {
    expect(m("bin:?", Buffer.from([0x62, 0x69, 0x6e, 0x3a, 0xff]))).toBe(true);
  });

  it("survives a pattern of many stars against a long key", () => {
    expect(m("*a*a*a*a*a*a*a*a*a*b", "a".repeat(60))).toBe(false);
  });
});

describe("KeyFilter", () => {
  const f = new KeyFilter({ include: ["user:*", "order:*"], exclude: ["*:tmp"] });

  it("includes what an include matches, unless an exclude matches (exclude wins)", () => {
    expect(f.keyIncluded("user:1")).toBe(true);
    expect(f.keyIncluded("order:9")).toBe(true);
    expect(f.keyIncluded("user:1:tmp")).toBe(false);
    expect(f.keyIncluded("cart:1")).toBe(false);
  });

  it("never filters out the product's own keys", () => {
    expect(f.keyIncluded("DTS_REDIS_TIMESTAMP_HEARTBEAT:abc:{1}")).toBe(true);
  });

  it("with only excludes, includes everything else", () => {
    const g = new KeyFilter({ include: [], exclude: ["cache:*"] });
    expect(g.keyIncluded("a")).toBe(true);
    expect(g.keyIncluded("cache:1")).toBe(false);
  });

  it("refuses an empty pattern", () => {
    expect(() => new KeyFilter({ include: [" "], exclude: [] })).toThrow("a key filter pattern cannot be empty");
    expect(keyFilterOf({ include: [], exclude: [] })).toBeNull();
  });
});

describe("filterCommand", () => {
  const f = new KeyFilter({ include: ["in:*"], exclude: [] });
  const a = (...s: string[]) => s.map((x) => Buffer.from(x));
  const txt = (argv: Buffer[]) => argv.map(String).join(" ");

  it("keeps, drops, splits per-key commands and refuses commands that tie both sides", () => {
    expect(filterCommand(f, "set", a("SET", "in:1", "v"), [1]).kind).toBe("keep");
    expect(filterCommand(f, "set", a("SET", "out:1", "v"), [1]).kind).toBe("drop");
    const del = filterCommand(f, "del", a("DEL", "in:1", "out:1", "in:2"), [1, 2, 3]);
    expect(del.kind === "split" && txt(del.argv)).toBe("DEL in:1 in:2");
    const msetnx = filterCommand(f, "msetnx", a("MSETNX", "out:1", "x", "in:1", "y"), [1, 3]);
    expect(msetnx.kind === "split" && txt(msetnx.argv)).toBe("MSET in:1 y");
    const rename = filterCommand(f, "rename", a("RENAME", "in:1", "out:1"), [1, 2]);
    expect(rename.kind).toBe("mixed");
    expect(rename.kind === "mixed" && rename.message).toMatch(/RENAME ties keys the key filter includes \(in:1\) to keys it excludes \(out:1\)/);
  });
});
