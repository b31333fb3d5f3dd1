import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findKeys, parseCommandRow, parseCommandTable, type CommandKeyInfo } from "./key-specs";
import { georadiusKeys, sortKeys, sortNeedsOtherKeys } from "./keyword-keys";
import { positionsOf } from "./command-keys";

/**
 * The key-spec interpreter on COMMAND INFO rows captured from redis-server 7.0.15 and valkey-server
 * 8.0.1 with our dtstype module loaded (fixtures/), on the older first/last/step rows, and on garbage:
 * a server's reply must never make it throw.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (file: string) => JSON.parse(readFileSync(path.join(here, "fixtures", file), "utf8")) as { server: string; rows: unknown[] };
const servers = [fixture("command-info.redis-7.0.json"), fixture("command-info.valkey-8.json")];

const argv = (s: string) => s.split(" ").map((a) => Buffer.from(a === "''" ? "" : a));

describe.each(servers.map((f) => [f.server, parseCommandTable(f.rows)] as const))("key specs of %s", (_server, table) => {
  const keys = (cmd: string) => {
    const a = argv(cmd);
    const info = table.get(a[0].toString().toLowerCase());
    if (!info) throw new Error(`no row for ${a[0]}`);
    return findKeys(info, a);
  };

  it("has every captured row", () => {
    expect(table.size).toBe(23);
  });

  it("module commands: index + keynum specs (MERGE), a single key (SET/GET), movablekeys without specs (FILL)", () => {
    expect(keys("DTSTYPE.MERGE dst 3 a b c")).toEqual({ keys: [1, 3, 4, 5], written: [true, false, false, false] });
    expect(keys("DTSTYPE.SET k v")).toEqual({ keys: [1], written: [true] });
    // a module command declared by first/last/step gets the server's generic spec "RW access update"
    expect(keys("DTSTYPE.GET k")).toEqual({ keys: [1], written: [true] });
    // only the module's getkeys callback knows: the caller asks COMMAND GETKEYS
    expect(keys("DTSTYPE.FILL v a b")).toBeNull();
    // a numkeys larger than the arguments: a syntax error the server would refuse, not keys
    expect(keys("DTSTYPE.MERGE dst 5 a b")).toBeNull();
    expect(keys("DTSTYPE.MERGE dst x a")).toBeNull();
  });

  it("keyword begin_search (GEORADIUS STORE / STOREDIST, XREADGROUP STREAMS with a limit)", () => {
    expect(keys("GEORADIUS src 0 0 5 km STORE dst")).toEqual({ keys: [1, 7], written: [false, true] });
    expect(keys("GEORADIUS src 0 0 5 km")).toEqual({ keys: [1], written: [false] });
    expect(keys("GEORADIUSBYMEMBER src m 5 km STOREDIST dst")).toEqual({ keys: [1, 6], written: [false, true] });
    expect(keys("XREADGROUP GROUP g c COUNT 1 STREAMS s1 s2 > >")?.keys).toEqual([7, 8]);
  });

  it("ranges, steps and numkeys of the built-in commands", () => {
    expect(keys("DEL a b c")?.keys).toEqual([1, 2, 3]);
    expect(keys("MSET a 1 b 2")?.keys).toEqual([1, 3]);
    expect(keys("SMOVE a b m")?.keys).toEqual([1, 2]);
    expect(keys("BITOP AND dst a b")).toEqual({ keys: [2, 3, 4], written: [true, false, false] });
    expect(keys("ZUNIONSTORE dst 2 a b WEIGHTS 1 2")?.keys).toEqual([1, 3, 4]);
    expect(keys("LMPOP 2 a b LEFT")?.keys).toEqual([2, 3]);
    expect(keys("BLMPOP 0 2 a b LEFT")?.keys).toEqual([3, 4]);
    expect(keys("EVAL body 2 a b arg")?.keys).toEqual([3, 4]);
    expect(keys("EVAL body 0 arg")?.keys).toEqual([]);
    // SET's flags depend on its options (GET reads): "variable_flags", so no per-key flags
    expect(keys("SET k v")).toEqual({ keys: [1], written: null });
    expect(keys("PING")).toEqual({ keys: [], written: [] });
  });

  it("subcommands by their own row (XGROUP CREATE key at 2)", () => {
    expect(keys("XGROUP CREATE s g $ MKSTREAM")?.keys).toEqual([2]);
    expect(keys("XGROUP CREATECONSUMER s g c")?.keys).toEqual([2]);
  });

  it("unknown or incomplete specs leave it to the server (SORT's BY/GET and store keys, MIGRATE's KEYS)", () => {
    expect(keys("SORT src STORE dst")).toBeNull();
    expect(keys("SORT_RO src")).toBeNull();
    expect(keys("MIGRATE h 1 '' 0 5000 KEYS a b")).toBeNull();
  });
});

describe("rows of servers before 7.0 (first, last, step; no key specs)", () => {
  // the shape Redis 6.x gives, written here by hand: no server of that age is installed
  const row = (r: unknown[]) => parseCommandRow(r)!;
  it("reads the legacy positions, and leaves movablekeys commands to the server", () => {
    expect(findKeys(row(["dtstype.set", -1, ["write", "denyoom", "module"], 1, 1, 1]), argv("dtstype.set k v"))).toEqual({ keys: [1], written: [true] });
    expect(findKeys(row(["del", -2, ["write"], 1, -1, 1]), argv("del a b c"))?.keys).toEqual([1, 2, 3]);
    expect(findKeys(row(["mset", -3, ["write", "denyoom"], 1, -1, 2]), argv("mset a 1 b 2"))).toEqual({ keys: [1, 3], written: null });
    expect(findKeys(row(["dtstype.fill", -1, ["write", "module", "movablekeys"], 0, 0, 0]), argv("dtstype.fill v a b"))).toBeNull();
    expect(findKeys(row(["ping", -1, ["stale"], 0, 0, 0]), argv("ping"))).toEqual({ keys: [], written: [] });
  });
});

describe("garbage from a server never throws", () => {
  it("rejects rows that are not rows", () => {
    for (const bad of [null, undefined, 1, "x", [], [1, 2, 3], ["n", 1, [], "a", "b", "c"], [null, 1, [], 1, 1, 1], [Buffer.from("x"), 1, [], 1.5, 1, 1]]) {
      expect(parseCommandRow(bad)).toBeNull();
    }
    expect(parseCommandTable("ERR unknown command").size).toBe(0);
    expect(parseCommandTable([null, ["get", 2, ["readonly"], 1, 1, 1], 42]).size).toBe(1);
  });

  it("reads broken key specs as unknown ones (then the server is asked)", () => {
    const base = ["x.cmd", -2, ["write", "module"], 1, 1, 1, [], []];
    const specs: unknown[] = [
      [["flags"]],
      [["begin_search", "not-a-map"]],
      [["flags", ["RW"], "begin_search", ["type", "index", "spec", ["index", "one"]], "find_keys", ["type", "range", "spec", ["lastkey", 0, "keystep", 1, "limit", 0]]]],
      [["flags", ["RW"], "begin_search", ["type", "index", "spec", ["index", 1]], "find_keys", ["type", "range", "spec", ["lastkey", 0, "keystep", 0, "limit", 0]]]],
      [["flags", ["RW"], "begin_search", ["type", "index", "spec", ["index", 1]], "find_keys", ["type", "teleport", "spec", []]]],
      [["flags", ["RW"], "begin_search", ["type", "index", "spec", ["index", 1]], "find_keys", ["type", "range", "spec", ["lastkey", -2, "keystep", 1, "limit", 3]]]],
      [42],
    ];
    for (const s of specs) {
      const info = parseCommandRow([...base, s]);
      expect(info, JSON.stringify(s)).not.toBeNull();
      expect(findKeys(info!, argv("x.cmd k v w")), JSON.stringify(s)).toBeNull();
    }
  });

  it("survives random nested replies and random arguments", () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const atoms = () => [0, -1, 1, 2, -2, 1e12, NaN, "index", "keyword", "range", "keynum", "spec", "type", "flags", "RW", "RO", "begin_search", "find_keys", "lastkey", "keystep", "limit", "keynumidx", "firstkey", "startfrom", "STORE", null, Buffer.from("k")][Math.floor(rnd() * 28)];
    const junk = (depth: number): unknown => (depth > 0 && rnd() < 0.5 ? Array.from({ length: Math.floor(rnd() * 8) }, () => junk(depth - 1)) : atoms());
    const known = parseCommandTable(servers[0].rows);
    for (let i = 0; i < 3000; i++) {
      const row = [`c${i}`, -1, junk(2), Math.floor(rnd() * 4) - 1, Math.floor(rnd() * 4) - 2, Math.floor(rnd() * 3), [], [], junk(5), junk(4)];
      const info = parseCommandRow(row);
      const args = Array.from({ length: Math.floor(rnd() * 7) }, () => Buffer.from(String(atoms())));
      if (info) expect(() => findKeys(info, [Buffer.from(`c${i}`), ...args])).not.toThrow();
      for (const k of known.values()) expect(() => findKeys(k as CommandKeyInfo, [Buffer.from(k.name), ...args])).not.toThrow();
    }
  });
});

describe("keyword options: SORT and GEORADIUS stores, as the server's getkeys procedures read them", () => {
  it("SORT: LIMIT/GET/BY arguments are skipped, the last STORE wins", () => {
    expect(sortKeys(argv("SORT src STORE dst"))).toEqual([1, 3]);
    expect(sortKeys(argv("SORT src BY store STORE dst"))).toEqual([1, 5]);
    expect(sortKeys(argv("SORT src LIMIT 0 10 GET # ALPHA STORE a STORE b"))).toEqual([1, 11]);
    expect(sortKeys(argv("SORT src DESC"))).toEqual([1]);
    expect(sortKeys(argv("SORT src STORE"))).toEqual([1]);
  });

  it("GEORADIUS / GEORADIUSBYMEMBER: STORE or STOREDIST, the last one wins", () => {
    expect(georadiusKeys(argv("GEORADIUS src 0 0 1 km STORE dst"))).toEqual([1, 7]);
    expect(georadiusKeys(argv("GEORADIUS src 0 0 1 km STORE a STOREDIST b"))).toEqual([1, 9]);
    expect(georadiusKeys(argv("GEORADIUS src 0 0 1 km STORE storedist"))).toEqual([1, 7]);
    expect(georadiusKeys(argv("GEORADIUSBYMEMBER src m 1 km COUNT 3 STOREDIST dst"))).toEqual([1, 8]);
    expect(georadiusKeys(argv("GEORADIUS src 0 0 1 km WITHDIST"))).toEqual([1]);
  });

  it("SORT needs other keys with a BY pattern with *, and with any GET (a cluster refuses it)", () => {
    expect(sortNeedsOtherKeys(argv("SORT src BY nosort STORE dst"))).toBe(false);
    expect(sortNeedsOtherKeys(argv("SORT src GET # STORE dst"))).toBe(true);
    expect(sortNeedsOtherKeys(argv("SORT src LIMIT 0 5 STORE dst"))).toBe(false);
    expect(sortNeedsOtherKeys(argv("SORT src BY w_* STORE dst"))).toBe(true);
    expect(sortNeedsOtherKeys(argv("SORT src GET h_*->f STORE dst"))).toBe(true);
  });
});

describe("positionsOf: key names from COMMAND GETKEYS back to argument indices", () => {
  it("in order, repeated names included; null when a name is not an argument", () => {
    expect(positionsOf(argv("a b c"), argv("FILL v a b c"))).toEqual([2, 3, 4]);
    expect(positionsOf(argv("a a"), argv("FILL a a a"))).toEqual([1, 2]);
    expect(positionsOf(argv("x"), argv("FILL v a"))).toBeNull();
    expect(positionsOf([], argv("FILL v"))).toEqual([]);
  });
});
