import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { startRedis, stopAll, type RedisNode } from "../../testing/redis-harness";
import { readKeys } from "../keys/read-key";
import { diffValues } from "../keys/diff-values";
import type { TypedValue } from "../values/typed-value";
import { eventsText, keyEvents, parseChunks, splitEvery } from "./corpus.test-helper";
import { decodeValue } from "./decode-value";
import { iterateValue } from "./iterate-value";
import type { RdbEvent, RdbKeyEvent } from "./types";
import { ValueReader } from "./value-reader";

/**
 * RDB files written by the local redis-server 7.0 with every encoding it has (compact and plain
 * forms of each type, LZF-compressed quicklist nodes, plain quicklist nodes, values > 1 MB,
 * streams with deleted entries, groups, PEL and consumers, functions, TTLs, several databases):
 * parsed back, every key must equal what the server itself holds.
 */

const FUTURE = Date.now() + 7 * 24 * 3600 * 1000;
const LIB = "#!lua name=dtslib\nredis.register_function('dts_echo', function(keys, args) return args[1] end)";

let node: RedisNode;
let rdb: Buffer;
let events: RdbEvent[];

function random(n: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

async function fill(c: Redis): Promise<void> {
  const p = c.pipeline();
  // strings: raw, int-encoded, LZF-compressible, binary, empty, > 1 MB
  p.set("s:small", "hello");
  p.set("s:int", "1234567");
  p.set("s:negint", "-42");
  p.set("s:bigint", "98765432109876");
  p.set("s:compressible", "a".repeat(5000));
  p.set(Buffer.from([0xff, 0x00, 0xfe, 0x80]), random(300, 7));
  p.set("s:empty", "");
  p.set("s:huge", random(1_500_000, 11));
  p.set("s:ttl", "expiring", "PXAT", FUTURE);
  // lists: listpack node, many nodes, LZF-compressed nodes (list-compress-depth), plain nodes
  p.rpush("l:small", "a", "b", "1", "-5", "x".repeat(40));
  for (let i = 0; i < 20; i++) p.rpush("l:big", ...Array.from({ length: 1000 }, (_, j) => `element-${i}-${j}-${"z".repeat(j % 50)}`));
  p.rpush("l:plain", "small", "y".repeat(3000), "tail");
  p.rpush("l:huge", random(1_200_000, 3), "next");
  // sets: intset, big intset (-> hashtable), strings
  p.sadd("set:int", 1, 2, 3, -7, 65536, 2 ** 40);
  p.sadd("set:bigint", ...Array.from({ length: 2000 }, (_, i) => i * 3));
  p.sadd("set:str", "alpha", "beta", Buffer.from([0xc3, 0x28]));
  p.sadd("set:big", ...Array.from({ length: 5000 }, (_, i) => `member:${i}`));
  // zsets: listpack, skiplist (binary scores), special scores
  p.zadd("z:small", 1, "one", 2.5, "two", -3, "neg", "inf", "top", "-inf", "bottom");
  p.zadd("z:big", ...Array.from({ length: 3000 }, (_, i) => [i / 7, `m${i}`]).flat());
  p.zadd("z:bigmember", 1, "k".repeat(100), 0.1, "short");
  // hashes: listpack, hashtable (many fields, long value)
  p.hset("h:small", "f1", "v1", "f2", "22", "f3", "");
  p.hset("h:big", ...Array.from({ length: 2000 }, (_, i) => [`field${i}`, `value${i}`]).flat());
  p.hset("h:longvalue", "f", "v".repeat(200));
  p.hset("h:ttl", "a", "1");
  p.pexpireat("h:ttl", FUTURE + 1234);
  // more databases
  p.select(3);
  p.set("db3:key", "in db 3");
  p.rpush("db3:list", "1", "2");
  p.select(0);
  await p.exec();

  // streams: small, large (several nodes), deleted entries, varying fields, groups + PEL + consumers
  for (let i = 1; i <= 5; i++) await c.xadd("st:small", `${i}-1`, "name", `n${i}`, "n", String(i));
  const big = c.pipeline();
  for (let i = 0; i < 3000; i++) big.xadd("st:big", "*", "a", String(i), ...(i % 10 === 0 ? ["extra", "x"] : []));
  await big.exec();
  await c.xadd("st:big", "*", "different", "fields", "entirely", "yes");
  const ids = (await c.xrange("st:big", "-", "+", "COUNT", 50)).map((e) => e[0]);
  await c.xdel("st:big", ids[3], ids[4], ids[10]);
  await c.xgroup("CREATE", "st:big", "g1", "0");
  await c.xgroup("CREATE", "st:big", "g2", "$");
  await c.xreadgroup("GROUP", "g1", "alice", "COUNT", 7, "STREAMS", "st:big", ">");
  await c.xreadgroup("GROUP", "g1", "bob", "COUNT", 5, "STREAMS", "st:big", ">");
  await c.xack("st:big", "g1", ids[0]);
  await c.xclaim("st:big", "g1", "carol", 0, ids[6]);
  await c.xgroup("CREATECONSUMER", "st:big", "g2", "idle-consumer");
  await c.xadd("st:empty", "MAXLEN", "0", "*", "f", "v");
  await c.xgroup("CREATE", "st:empty", "g", "$");

  await c.call("FUNCTION", "LOAD", LIB);
}

beforeAll(async () => {
  node = await startRedis({ config: { "enable-debug-command": "yes", "list-compress-depth": "1", "list-max-listpack-size": "-1" } });
  const c = node.client();
  // plain quicklist nodes for elements from 2 KB (default: 1 GB)
  await c.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "2000");
  await fill(c);
  await c.call("SAVE");
  rdb = readFileSync(path.join(node.dir, "dump.rdb"));
  events = parseChunks(splitEvery(rdb, 16 * 1024)).events;
}, 120_000);

afterAll(stopAll);

describe("RDB written by redis-server 7.0", () => {
  it("contains every encoding Redis 7.0 writes", () => {
    const types = new Set(keyEvents(events).map((k) => k.rdbType));
    // string, set, hash, zset2, intset, hash/zset listpack, quicklist2, stream v2
    for (const t of [0, 2, 4, 5, 11, 16, 17, 18, 19]) expect(types.has(t), `RDB type ${t}`).toBe(true);
    expect(events.find((e) => e.kind === "end")).toEqual({ kind: "end", checksum: "ok" });
    const nodes = (name: string) => quicklistNodes(keyEvents(events).find((k) => k.key.toString() === name)!);
    expect(nodes("l:plain").map((n) => n.container)).toEqual(["packed", "plain", "packed"]);
    expect(nodes("l:big").some((n) => n.lzf), "LZF-compressed quicklist nodes").toBe(true);
    expect(nodes("l:huge").some((n) => n.container === "plain")).toBe(true);
  });

  it("every key equals what the server holds (type, value, absolute TTL), in every database", async () => {
    const keys = keyEvents(events);
    const dbs = [...new Set(keys.map((k) => k.db))].sort();
    expect(dbs).toEqual([0, 3]);
    for (const db of dbs) {
      const client = node.client();
      await client.select(db);
      const mine = keys.filter((k) => k.db === db);
      const live = await readKeys(client, mine.map((k) => k.key));
      mine.forEach((k, i) => {
        const name = `db${db} ${JSON.stringify(k.key.toString("latin1"))}`;
        expect(live[i], name).not.toBeNull();
        const decoded = decodeValue(k);
        expect(diffValues(decoded, live[i]!.value), name).toBeNull();
        expect(k.expireAt, `${name} expiry`).toBe(live[i]!.expireAt);
      });
      expect(Number(await client.dbsize())).toBe(mine.length);
    }
    const ttl = keys.find((k) => k.key.toString() === "s:ttl")!;
    expect(ttl.expireAt).toBe(FUTURE);
  });

  it("raw is exactly what DUMP serializes (the loader's RESTORE fast path appends only the footer)", async () => {
    const keys = keyEvents(events);
    for (const db of [0, 3]) {
      const client = node.client();
      await client.select(db);
      for (const k of keys.filter((x) => x.db === db)) {
        const payload = (await client.dumpBuffer(k.key))!;
        const body = payload.subarray(0, payload.length - 10);
        expect(body.equals(k.raw), `DUMP of ${k.key.toString("latin1")}`).toBe(true);
        expect(payload.readUInt16LE(payload.length - 10)).toBe(k.rdbVersion);
      }
    }
  });

  it("keeps the function library", async () => {
    const fns = events.filter((e) => e.kind === "function");
    expect(fns.map((f) => f.kind === "function" && f.code.toString())).toEqual([LIB]);
  });

  it("iterateValue in small batches reassembles exactly what decodeValue gives", () => {
    for (const k of keyEvents(events)) {
      const whole = decodeValue(k);
      const again = reassemble(k, { maxItems: 7, maxBytes: 1000 });
      expect(diffValues(whole, again), k.key.toString("latin1")).toBeNull();
      for (const batch of iterateValue(k, { maxItems: 7, maxBytes: 1000 })) {
        const n = "items" in batch ? batch.items.length : "members" in batch ? batch.members.length : "fields" in batch ? batch.fields.length : "entries" in batch ? batch.entries.length : 0;
        expect(n).toBeLessThanOrEqual(7);
        if (batch.type === "string") expect(batch.value.length).toBeLessThanOrEqual(1000);
      }
    }
  });

  it("gives the same events whether the file comes whole, in 1-byte or in odd-sized chunks", () => {
    const expected = eventsText(events);
    expect(eventsText(parseChunks([rdb]).events)).toBe(expected);
    expect(eventsText(parseChunks(splitEvery(rdb, 997)).events)).toBe(expected);
    // 1-byte chunks over a file with values of more than 1 MB: linear, or this would never end
    expect(eventsText(parseChunks(splitEvery(rdb, 1)).events)).toBe(expected);
  });
});

/** the node layout of a quicklist2 value: container kind and whether the node is LZF-compressed */
function quicklistNodes(k: RdbKeyEvent): { container: "plain" | "packed"; lzf: boolean }[] {
  expect(k.rdbType).toBe(18);
  const r = new ValueReader(k.raw, 1, undefined);
  const out: { container: "plain" | "packed"; lzf: boolean }[] = [];
  for (let n = r.len(); n > 0; n--) {
    const container = r.len() === 1 ? "plain" : "packed";
    out.push({ container, lzf: k.raw[r.p] === 0xc3 });
    r.str();
  }
  return out;
}

function reassemble(k: RdbKeyEvent, cap: { maxItems: number; maxBytes: number }): TypedValue {
  const parts: Buffer[] = [];
  const items: Buffer[] = [];
  const zset: Extract<TypedValue, { type: "zset" }>["entries"] = [];
  const fields: Extract<TypedValue, { type: "hash" }>["fields"] = [];
  const entries: Extract<TypedValue, { type: "stream" }>["stream"]["entries"] = [];
  for (const b of iterateValue(k, cap)) {
    if (b.type === "string") parts.push(b.value);
    else if (b.type === "list") items.push(...b.items);
    else if (b.type === "set") items.push(...b.members);
    else if (b.type === "zset") zset.push(...b.entries);
    else if (b.type === "hash") fields.push(...b.fields);
    else if (b.type === "stream") entries.push(...b.entries);
    else if (b.type === "stream-meta") return { type: "stream", stream: { entries, ...b.stream } };
    else return { type: "module", moduleName: b.moduleName };
  }
  switch (k.type) {
    case "string": return { type: "string", value: Buffer.concat(parts) };
    case "list": return { type: "list", items };
    case "set": return { type: "set", members: items };
    case "zset": return { type: "zset", entries: zset };
    default: return { type: "hash", fields };
  }
}
