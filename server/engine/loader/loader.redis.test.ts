import { readFileSync } from "node:fs";
import path from "node:path";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, startRedis, stopAll, type RedisClusterHandle, type RedisNode } from "../../testing/redis-harness";
import type { LiveKey } from "../keys/read-key";
import { expectSameData, loadInto, snapshot, type Snapshot } from "./loader.test-helper";

/**
 * RDB files written by the local Redis 7.0 with compact and plain encodings of every type, values
 * over 1 MB, streams with groups and pending entries, functions, TTLs and three databases, loaded
 * through the engine into standalone and cluster destinations and compared key by key.
 */

const LIB = "#!lua name=loaderlib\nredis.register_function('loader_echo', function(keys, args) return args[1] end)";
const WEEK = 7 * 24 * 3600 * 1000;

function bytes(n: number, seed: number): Buffer {
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

async function fill(c: Redis, db: number): Promise<void> {
  await c.select(db);
  const p = c.pipeline();
  const k = (name: string) => `d${db}:${name}`;
  p.set(k("s"), "hello");
  p.set(k("int"), "12345");
  p.set(k("bin"), bytes(200, db + 1));
  p.set(k("huge"), bytes(1_300_000, db + 2));
  p.set(k("ttl"), "x", "PXAT", Date.now() + WEEK);
  p.rpush(k("l:small"), "a", "b", "3");
  for (let i = 0; i < 5; i++) p.rpush(k("l:big"), ...Array.from({ length: 1000 }, (_, j) => `e${i}-${j}`));
  p.rpush(k("l:huge"), bytes(1_100_000, 5), "tail");
  p.sadd(k("set:int"), 1, 2, 3, -5);
  p.sadd(k("set:str"), ...Array.from({ length: 700 }, (_, i) => `m${i}`));
  p.zadd(k("z:small"), 1.5, "a", -2, "b", "inf", "c");
  p.zadd(k("z:big"), ...Array.from({ length: 600 }, (_, i) => [i / 3, `z${i}`]).flat());
  p.hset(k("h:small"), "f", "v", "n", "1");
  p.hset(k("h:big"), ...Array.from({ length: 800 }, (_, i) => [`f${i}`, `v${i}`]).flat());
  p.pexpireat(k("h:big"), Date.now() + WEEK);
  await p.exec();
  // a stream with a deleted entry, two groups, consumers and pending entries
  const s = k("stream");
  for (let i = 0; i < 50; i++) await c.xadd(s, "*", "n", String(i), "payload", "p".repeat(i));
  const ids = (await c.xrange(s, "-", "+")).map(([id]) => id);
  await c.xdel(s, ids[10]);
  await c.xgroup("CREATE", s, "g1", "0");
  await c.xgroup("CREATE", s, "g2", ids[20]);
  await c.xreadgroup("GROUP", "g1", "alice", "COUNT", 5, "STREAMS", s, ">");
  await c.xreadgroup("GROUP", "g1", "bob", "COUNT", 3, "STREAMS", s, ">");
  await c.xack(s, "g1", ids[0]);
  await c.xgroup("CREATECONSUMER", s, "g2", "idle-consumer");
  await c.xadd(k("stream:empty"), "1-1", "a", "b");
  await c.xdel(k("stream:empty"), "1-1");
}

let source: RedisNode;
let rdbFile: string;
let expected: Snapshot;

beforeAll(async () => {
  source = await startRedis();
  const c = source.client();
  for (const db of [0, 1, 2]) await fill(c, db);
  await c.function("LOAD", LIB);
  await c.select(0);
  await c.set("d0:soon-gone", "x", "PX", 400);
  await c.save();
  rdbFile = path.join(source.dir, "dump.rdb");
  expect(readFileSync(rdbFile).length).toBeGreaterThan(3_000_000);
  await new Promise((r) => setTimeout(r, 500)); // d0:soon-gone is now expired: it must be skipped
  expected = await snapshot(source);
});
afterAll(stopAll);

describe("loader: a Redis 7.0 RDB with every encoding", () => {
  it("loads into a standalone destination with RESTORE, identical key by key", async () => {
    const dest = await startRedis();
    const stats = await loadInto(dest, rdbFile);
    expect(stats.skippedExpired).toBe(1);
    expect(stats.failed).toBe(0);
    expect(stats.written).toBe(expected.keys.size);
    expect(stats.restored).toBe(expected.keys.size);
    expectSameData(expected, await snapshot(dest), "restore");
    expect(String(await dest.client().function("LIST"))).toContain("loaderlib");
  });

  it("gives identical data through typed commands (threshold 0), in small batches", async () => {
    const dest = await startRedis();
    const stats = await loadInto(dest, rdbFile, { typedAboveBytes: 0, batchItems: 100, batchBytes: 64 * 1024 });
    expect(stats.typed).toBe(expected.keys.size);
    expect(stats.failed).toBe(0);
    expectSameData(expected, await snapshot(dest), "typed", { ignoreConsumerTimes: true });
  });

  it("re-running with ignore overwrites: nothing duplicated, on both paths", async () => {
    const dest = await startRedis();
    for (const typedAboveBytes of [0, undefined, 0]) await loadInto(dest, rdbFile, { conflict: "ignore", typedAboveBytes });
    expectSameData(expected, await snapshot(dest), "re-run", { ignoreConsumerTimes: true });
  });

  it("intercept reports existing keys and leaves them untouched, on both paths", async () => {
    for (const typedAboveBytes of [undefined, 0]) {
      const dest = await startRedis();
      const c = dest.client();
      await c.set("d0:s", "mine");
      await c.rpush("d0:l:big", "mine");
      await c.select(2);
      await c.sadd("d2:set:str", "mine");
      const stats = await loadInto(dest, rdbFile, { conflict: "intercept", typedAboveBytes });
      expect(stats.conflicts).toBe(3);
      expect(stats.written).toBe(expected.keys.size - 3);
      expect(stats.issues.filter((i) => i.kind === "conflict").map((i) => i.key?.toString()).sort()).toEqual(["d0:l:big", "d0:s", "d2:set:str"]);
      await c.select(0);
      expect(await c.get("d0:s")).toBe("mine");
      expect(await c.lrange("d0:l:big", 0, -1)).toEqual(["mine"]);
      await c.select(2);
      expect(await c.smembers("d2:set:str")).toEqual(["mine"]);
      expect((await c.keys("__dts_tmp:*")).length).toBe(0);
      const got = await snapshot(dest);
      for (const name of ["0:" + Buffer.from("d0:s").toString("hex"), "0:" + Buffer.from("d0:l:big").toString("hex"), "2:" + Buffer.from("d2:set:str").toString("hex")]) {
        got.keys.delete(name);
      }
      const want: Snapshot = { keys: new Map([...expected.keys].filter(([name]) => got.keys.has(name))) };
      expect(want.keys.size).toBe(expected.keys.size - 3);
      expectSameData(want, got, `intercept ${typedAboveBytes ?? "restore"}`, { ignoreConsumerTimes: typedAboveBytes === 0 });
    }
  });

  it("selects and maps databases", async () => {
    const dest = await startRedis();
    const stats = await loadInto(dest, rdbFile, { dbs: [1, 2], dbMap: new Map([[1, 5]]) });
    const perDb = (db: number) => [...expected.keys].filter(([name]) => name.startsWith(`${db}:`));
    expect(stats.skippedDb).toBe(perDb(0).length + 1); // + the expired key counted in db 0
    const got = await snapshot(dest);
    const want = new Map<string, LiveKey>([...perDb(1).map(([n, v]) => [n.replace(/^1:/, "5:"), v] as [string, LiveKey]), ...perDb(2)]);
    expectSameData({ keys: want }, got, "mapped");
  });
});

describe("loader: into a cluster destination", () => {
  let cluster: RedisClusterHandle;
  beforeAll(async () => {
    cluster = await startCluster({ masters: 3 });
  });

  async function clusterSnapshot(): Promise<Snapshot> {
    const keys = new Map<string, LiveKey>();
    for (const m of await cluster.masters()) for (const [name, v] of (await snapshot(m, [0])).keys) keys.set(name, v);
    return { keys };
  }

  it("refuses databases that do not map to 0, naming the fix", async () => {
    await expect(loadInto(cluster.uri, rdbFile, {}, "cluster")).rejects.toThrow(/only database 0.*--db-map 1:0/);
  });

  it("round-trips every database mapped to 0, on both paths", async () => {
    for (const typedAboveBytes of [undefined, 0]) {
      for (const m of await cluster.masters()) await m.client().flushall();
      const stats = await loadInto(cluster.uri, rdbFile, { dbMap: new Map([[1, 0], [2, 0]]), typedAboveBytes }, "cluster");
      expect(stats.failed).toBe(0);
      const want = new Map([...expected.keys].map(([name, v]) => [name.replace(/^\d+:/, "0:"), v] as [string, LiveKey]));
      expectSameData({ keys: want }, await clusterSnapshot(), `cluster ${typedAboveBytes ?? "restore"}`, { ignoreConsumerTimes: typedAboveBytes === 0 });
      for (const m of await cluster.masters()) expect(String(await m.client().function("LIST"))).toContain("loaderlib");
    }
  });
});
