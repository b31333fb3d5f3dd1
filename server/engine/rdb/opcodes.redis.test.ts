import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startRedis, stopAll } from "../../testing/redis-harness";
import { eventsText, keyEvents, parseAll, parseChunks, splitEvery } from "./corpus.test-helper";
import { decodeValue } from "./decode-value";
import { jsonValue } from "./dump-json";
import { len, listpack, moduleId, rdbFile, str, u64le } from "./rdb-writer.test-helper";
import type { RdbEvent } from "./types";

/** Records no corpus file or local server writes, built byte by byte. */

const b = (...bytes: number[]) => Buffer.from(bytes);

function parseEverySplit(data: Buffer): RdbEvent[] {
  const events = parseAll(data);
  const text = eventsText(events);
  for (let i = 0; i <= data.length; i++) expect(eventsText(parseChunks([data.subarray(0, i), data.subarray(i)]).events), `split at ${i}`).toBe(text);
  expect(eventsText(parseChunks(splitEvery(data, 1)).events)).toBe(text);
  return events;
}

afterAll(stopAll);

describe("every opcode", () => {
  it("AUX, SELECTDB, RESIZEDB, SLOT_INFO, EXPIRETIME (s), EXPIRETIME_MS, IDLE, FREQ, MODULE_AUX, both function opcodes, EOF", () => {
    const data = rdbFile([
      b(0xfa), str("redis-ver"), str("7.0.0"),
      b(0xfa), str("ctime"), b(0xc2, 0x10, 0x20, 0x30, 0x40), // integer-encoded aux value
      b(0xf7), len(moduleId("test__rdb", 1)), len(2), len(2), len(2), len(99), len(1), len(5), len(5), str("blob"), len(3), b(0, 0, 0x80, 0x3f), len(4), u64le(0), len(0),
      b(0xf6), str("oldlib"), str("LUA"), len(1), str("a description"), str("return 1"),
      b(0xf6), str("nodesc"), str("LUA"), len(0), str("return 2"),
      b(0xf5), str("#!lua name=lib2\nredis.register_function('f', function() return 1 end)"),
      b(0xfe), len(2),
      b(0xfb), len(3), len(1),
      b(0xf4), len(1234), len(3), len(1),
      b(0xfd), b(0x00, 0xe1, 0xf5, 0x05), // 100000000 s
      b(0xf8), len(77),
      b(0x00), str("k1"), str("v1"),
      b(0xfc), u64le(1893456000123),
      b(0xf9), b(200),
      b(0x00), str("k2"), str("v2"),
      b(0x00), str("k3"), str("v3"),
    ]);
    const events = parseEverySplit(data);
    const kinds = events.map((e) => e.kind);
    expect(kinds).toEqual(["header", "aux", "aux", "module-aux", "function", "function", "function", "selectdb", "resizedb", "slot-info", "key", "key", "key", "end"]);
    expect(events[2]).toMatchObject({ kind: "aux", key: Buffer.from("ctime"), value: Buffer.from(String(0x40302010)) });
    expect(events[3]).toEqual({ kind: "module-aux", moduleName: "test__rdb", when: 2 });
    expect(events[4]).toEqual({ kind: "function", preGA: true, name: Buffer.from("oldlib"), engine: Buffer.from("LUA"), description: Buffer.from("a description"), code: Buffer.from("return 1") });
    expect(events[5]).toMatchObject({ kind: "function", preGA: true, name: Buffer.from("nodesc"), description: undefined, code: Buffer.from("return 2") });
    expect(events[6]).toMatchObject({ kind: "function", preGA: false });
    expect(events[8]).toEqual({ kind: "resizedb", db: 2, keys: 3, expires: 1 });
    expect(events[9]).toEqual({ kind: "slot-info", slot: 1234, slotSize: 3, expiresSlotSize: 1 });
    const [k1, k2, k3] = keyEvents(events);
    expect(k1).toMatchObject({ db: 2, expireAt: 100_000_000_000, idle: 77, freq: undefined });
    expect(k2).toMatchObject({ db: 2, expireAt: 1893456000123, freq: 200, idle: undefined });
    expect(k3).toMatchObject({ expireAt: null, idle: undefined, freq: undefined });
    expect(events.at(-1)).toEqual({ kind: "end", checksum: "ok" });
  });

  it("Valkey 9: SLOT_IMPORT and SLOT_INFO are skipped; Redis's opcode 243 (key metadata) is refused", () => {
    const records = [b(0xf3), str("job-1"), len(2), len(0), len(100), len(200), len(300), b(0xf4), len(5), len(1), len(0), b(0xfe), len(0), b(0x00), str("k"), str("v")];
    const events = parseEverySplit(rdbFile(records, 80, "VALKEY"));
    expect(keyEvents(events).map((k) => k.key.toString())).toEqual(["k"]);
    expect(() => parseAll(rdbFile(records, 12))).toThrow(/RDB_UNSUPPORTED|opcode 243/);
  });

  it("RDB version 1-4 files have no checksum", () => {
    const events = parseEverySplit(rdbFile([b(0xfe), len(0), b(0x00), str("k"), str("v")], 2));
    expect(events.at(-1)).toEqual({ kind: "end", checksum: "absent" });
  });
});

describe("value types no local server writes", () => {
  it("module values (type 7) with every module opcode report the module name", () => {
    const data = rdbFile([b(0xfe), len(0), b(0x07), str("doc"), len(moduleId("ReJSON-RL", 3)), len(2), len(12345), len(1), len(7), len(3), b(0, 0, 0, 0), len(4), u64le(1), len(5), str("payload"), len(0)]);
    const [k] = keyEvents(parseEverySplit(data));
    expect(k).toMatchObject({ type: "module", moduleName: "ReJSON-RL", rdbType: 7 });
    expect(decodeValue(k)).toEqual({ type: "module", moduleName: "ReJSON-RL" });
  });

  it("Redis 7.4 RC hashes with field TTLs (types 22 and 23): absolute TTLs, no min-expire header", () => {
    const lp = listpack(["a", "1", 1893456000000, "b", "2", 0]);
    const data = rdbFile([b(0xfe), len(0), b(22), str("h22"), len(2), len(1893456000000), str("f1"), str("v1"), len(0), str("f2"), str("v2"), b(23), str("h23"), str(lp)], 12);
    const keys = keyEvents(parseEverySplit(data));
    expect(jsonValue(decodeValue(keys[0]))).toEqual([["f1", "v1", 1893456000000], ["f2", "v2"]]);
    expect(jsonValue(decodeValue(keys[1]))).toEqual([["a", "1", 1893456000000], ["b", "2"]]);
  });

  it("Redis 7.4 hashes with field TTLs (24: relative to a min expire, 25: listpack_ex after it)", () => {
    const min = 1893456000000;
    const lp = listpack(["a", "1", min + 5, "b", "2", 0]);
    const data = rdbFile([b(0xfe), len(0), b(24), str("h24"), u64le(min), len(2), len(1), str("f1"), str("v1"), len(0), str("f2"), str("v2"), b(25), str("h25"), u64le(min + 5), str(lp)], 12);
    const keys = keyEvents(parseEverySplit(data));
    expect(jsonValue(decodeValue(keys[0]))).toEqual([["f1", "v1", min], ["f2", "v2"]]);
    expect(jsonValue(decodeValue(keys[1]))).toEqual([["a", "1", min + 5], ["b", "2"]]);
  });

  it("old-style zset scores (type 3): text, +inf, -inf", () => {
    const data = rdbFile([b(0xfe), len(0), b(3), str("z"), len(3), str("a"), b(3), Buffer.from("1.5"), str("b"), b(254), str("c"), b(255)], 3);
    const [k] = keyEvents(parseEverySplit(data));
    expect(jsonValue(decodeValue(k))).toEqual([["a", 1.5], ["b", "inf"], ["c", "-inf"]]);
  });

  it("a malformed listpack inside a value is refused by the parser itself", () => {
    const lp = listpack(["a", "b"]);
    lp[8] = 0x05; // the first entry's back length (2) no longer matches
    expect(() => parseAll(rdbFile([b(0xfe), len(0), b(16), str("h"), str(lp)]))).toThrow(/RDB_CORRUPT|back length/);
    const odd = listpack(["only-a-field"]);
    expect(() => parseAll(rdbFile([b(0xfe), len(0), b(16), str("h"), str(odd)]))).toThrow(/not a multiple of 2/);
    const intset = Buffer.alloc(8 + 4);
    intset.writeUInt32LE(2, 0);
    intset.writeUInt32LE(2, 4);
    intset.writeInt16LE(5, 8);
    intset.writeInt16LE(3, 10); // not ascending
    expect(() => parseAll(rdbFile([b(0xfe), len(0), b(11), str("s"), str(intset)]))).toThrow(/intset members are not strictly ascending/);
  });
});

describe("IDLE and FREQ from a real server", () => {
  for (const [policy, field] of [["allkeys-lru", "idle"], ["allkeys-lfu", "freq"]] as const) {
    it(`${policy} writes ${field.toUpperCase()} before each key`, async () => {
      const node = await startRedis({ config: { "maxmemory-policy": policy } });
      const c = node.client();
      await c.set("a", "1");
      await c.set("b", "2");
      await c.get("a");
      await c.call("SAVE");
      const keys = keyEvents(parseAll(readFileSync(path.join(node.dir, "dump.rdb"))));
      expect(keys).toHaveLength(2);
      for (const k of keys) expect(typeof k[field], `${k.key} ${field}`).toBe("number");
      await node.stop();
    });
  }
});
