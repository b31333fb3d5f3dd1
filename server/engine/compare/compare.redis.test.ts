import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import type { Redis } from "ioredis";
import { startRedis, stopAll, type RedisNode } from "../../testing/redis-harness";
import type { Endpoint } from "../endpoint";
import { compare } from "./compare";
import type { CompareOptions, CompareProgress } from "./types";
import { BIN_KEY, BIN_VALUE, copyKeys, writeEveryType, writeManyStrings } from "./test-fixtures";

let src: RedisNode;
let dst: RedisNode;
let s: Redis;
let d: Redis;
const ep = (n: RedisNode): Endpoint => ({ host: n.host, port: n.port, mode: "standalone" });
const run = (o: Partial<CompareOptions> = {}) => compare({ source: ep(src), target: ep(dst), mode: "full", recheckDelayMs: 50, ...o });

beforeAll(async () => {
  [src, dst] = await Promise.all([startRedis(), startRedis()]);
  s = src.client();
  d = dst.client();
});
afterAll(() => stopAll());
beforeEach(async () => {
  await Promise.all([s.flushall(), d.flushall(), s.call("FUNCTION", "FLUSH"), d.call("FUNCTION", "FLUSH")]);
});

const library = (name: string, body: string) => `#!lua name=${name}\nredis.register_function('${name}_f', function() return ${body} end)`;

async function sameData(): Promise<number> {
  await writeEveryType(s);
  await s.select(2);
  await writeEveryType(s, "db2:");
  await s.select(0);
  await copyKeys(s, d);
  const s2 = src.client();
  const d2 = dst.client();
  await s2.select(2);
  await d2.select(2);
  await copyKeys(s2, d2);
  return 18;
}

describe("compare standalone ↔ standalone", () => {
  it("finds equal copies of every type equal, in full and quick mode, in every database", async () => {
    const keys = await sameData();
    // the product's own keys are never data: a heartbeat on one side, a fence and the cloud DTS's key on the other
    await s.set("DTS_REDIS_TIMESTAMP_HEARTBEAT:t1:{0}", "1");
    await d.set("DTS_REDIS_TIMESTAMP_HEARTBEAT:t1:fence:abc:{0}", "00000000000000000001000000");
    await d.set("DTS_REDIS_TIMESTAMP_HEARTBEAT", "1");
    const full = await run();
    expect(full).toMatchObject({ equal: true, keys, missing: 0, extra: 0, different: 0, samples: [] });
    expect(await run({ mode: "quick" })).toMatchObject({ equal: true, keys });
    expect(await run({ dbs: [2] })).toMatchObject({ equal: true, keys: keys / 2 });
  });

  it("compares a user key that merely contains the prefix: only keys starting with it are the product's", async () => {
    const keys = await sameData();
    await s.set("x:DTS_REDIS_TIMESTAMP_HEARTBEAT:0", "2");
    expect(await run()).toMatchObject({ equal: false, keys: keys + 1, missing: 1 });
  });

  it("detects and names each kind of difference", async () => {
    await sameData();
    await d.del("list"); // missing
    await d.set("only-on-target", "1"); // extra
    await d.del("set");
    await d.rpush("set", "x"); // type
    const changed = Buffer.from(BIN_VALUE);
    changed[2] ^= 0x01;
    await d.set(BIN_KEY, changed); // one byte of a binary value
    await d.pexpire("str:ttl", 3_600_000 + 60_000); // TTL beyond the tolerance
    await d.pexpire("hash", 7_200_000 - 500); // within the 2 s tolerance: not a difference
    await d.persist("str"); // no TTL on either: stays equal
    await d.xgroup("SETID", "stream", "g1", "0"); // a group's last delivered id
    await d.zadd("zset", "0.30000000000000010", "odd"); // a score one ulp away
    const r = await run();
    expect(r).toMatchObject({ equal: false, keys: 18, missing: 1, extra: 1, different: 5 });
    expect(r.byKind).toEqual({ missing: 1, extra: 1, type: 1, value: 3, ttl: 1, length: 0, function: 0 });
    const byKind = Object.fromEntries(r.samples.map((x) => [x.key, [x.kind, x.detail]]));
    expect(byKind.list).toEqual(["missing", "not on the target"]);
    expect(byKind["only-on-target"]).toEqual(["extra", "on the target, not on the source"]);
    expect(byKind.set).toEqual(["type", "set on the source, list on the target"]);
    expect(byKind['"b\\x00\\xff\\nk"']).toEqual(["value", "string differs at byte 2"]);
    expect(byKind["str:ttl"][0]).toBe("ttl");
    expect(byKind.stream).toEqual(["value", expect.stringMatching(/stream group g1: last delivered id 3-0 vs 0-0/)]);
    expect(byKind.zset[0]).toBe("value");
    const bin = r.samples.find((x) => x.kind === "value" && x.detail.includes("byte 2"))!;
    expect(Buffer.from(bin.keyBase64, "base64").equals(BIN_KEY)).toBe(true);
  });

  it("quick mode sees lengths, types and TTL presence but not same-length content", async () => {
    await sameData();
    await d.set(BIN_KEY, Buffer.alloc(BIN_VALUE.length)); // same length, other bytes
    await d.rpush("list", "more"); // length
    await d.persist("hash"); // TTL presence
    const r = await run({ mode: "quick" });
    expect(r).toMatchObject({ equal: false, missing: 0, extra: 0, different: 2 });
    expect(r.samples.map((x) => [x.key, x.kind]).sort()).toEqual([["hash", "ttl"], ["list", "length"]]);
    expect((await run()).different).toBe(3);
  });

  it("reports only what stays different across rounds", async () => {
    await sameData();
    await d.del("list", "str");
    await d.set("late-extra", "1");
    let atFirstRecheck: CompareProgress | undefined;
    const onProgress = (p: CompareProgress) => {
      // after the first check of every key, repair all three differences
      if (p.phase === "recheck" && !atFirstRecheck) {
        atFirstRecheck = p;
        void copyKeys(s, d);
        void d.del("late-extra");
      }
    };
    const r = await run({ rounds: 3, recheckDelayMs: 800, onProgress });
    expect(atFirstRecheck).toMatchObject({ pendingRechecks: 3, missing: 0, extra: 0 });
    expect(r).toMatchObject({ equal: true, missing: 0, extra: 0, different: 0 });
    await d.del("list");
    expect(await run({ rounds: 2 })).toMatchObject({ equal: false, missing: 1 });
  });

  it("maps source databases to other target databases and finds extra keys where the source is empty", async () => {
    await s.select(3);
    await writeEveryType(s);
    const d5 = dst.client();
    await d5.select(5);
    const s3 = src.client();
    await s3.select(3);
    await copyKeys(s3, d5);
    await s.select(0);
    expect(await run({ dbMap: new Map([[3, 5]]) })).toMatchObject({ equal: true, keys: 9 });
    await d.set("stray", "1"); // db 0 of the target: nothing maps there, so not compared
    await d.select(7);
    await d.set("in-db-7", "1"); // db 7 is the image of the (empty) source db 7: extra
    await d.select(0);
    const r = await run({ dbMap: new Map([[3, 5], [0, 9]]) });
    expect(r).toMatchObject({ equal: false, keys: 9, extra: 1 });
    expect(r.samples[0]).toMatchObject({ db: 7, targetDb: 7, key: "in-db-7", kind: "extra" });
  });

  it("keeps counts exact beyond the samples kept, over ~50k keys in batches", async () => {
    await writeManyStrings(s, 50_000);
    await copyKeys(s, d);
    for (let i = 0; i < 12; i++) await d.del(`k:${i * 4001 + 3}`);
    for (let i = 0; i < 5; i++) await d.append(`k:${i * 9001 + 1}`, "!"); // strings (hashes are k:<n>0)
    const seen: CompareProgress[] = [];
    const r = await run({ batchSize: 700, maxSamples: 4, rounds: 2, maxPendingRechecks: 700, onProgress: (p) => seen.push(p), progressIntervalMs: 0 });
    expect(r).toMatchObject({ equal: false, keys: 50_000, missing: 12, different: 5, extra: 0, samplesTruncated: true });
    expect(r.samples).toHaveLength(4);
    expect(seen.at(-1)).toMatchObject({ phase: "done", keys: 50_000, targetKeys: 49_988, missing: 12 });
    expect(seen.filter((p) => p.phase === "source").length).toBeGreaterThan(50);
    expect(await run({ mode: "quick", rounds: 1 })).toMatchObject({ keys: 50_000, missing: 12, different: 5 });
  }, 120_000);

  it.skipIf(spawnSync("valkey-server", ["--version"]).status !== 0)("compares a Redis 7.0 source with a Valkey 8 copy (consumers gain an active time there)", async () => {
    const valkey = await startRedis({ binary: "valkey-server" });
    await writeEveryType(s);
    await copyKeys(s, valkey.client());
    expect(await compare({ source: ep(src), target: ep(valkey), mode: "full", recheckDelayMs: 20 })).toMatchObject({ equal: true, keys: 9 });
    await valkey.client().xack("stream", "g1", "1-0");
    const r = await compare({ source: ep(src), target: ep(valkey), mode: "full", recheckDelayMs: 20 });
    expect(r.samples).toEqual([expect.objectContaining({ key: "stream", kind: "value", detail: expect.stringMatching(/stream group g1: pending entries 2 vs 1/) })]);
  });

  it("checks the recorded divergent keys first and reports them apart, with their own re-checks", async () => {
    await s.mset("equal", "1", "changed", "2", "missing", "3");
    await s.set(BIN_KEY, BIN_VALUE);
    await d.mset("equal", "1", "changed", "9", "only-on-target", "x");
    await d.set(BIN_KEY, BIN_VALUE);
    const key = (k: string | Buffer, db = 0) => ({ db, key: Buffer.from(k) });
    const recorded = [key("equal"), key("changed"), key("missing"), key("only-on-target"), key(BIN_KEY), key("changed"), key("elsewhere", 7)];
    const phases: CompareProgress["phase"][] = [];
    const first = await run({ dbs: [0], rounds: 2, recorded, progressIntervalMs: 0, onProgress: (p) => phases.push(p.phase) });
    // the recorded keys come before the scan, which still finds every difference on its own
    expect(phases[0]).toBe("recorded");
    expect(phases.lastIndexOf("recorded")).toBeLessThan(phases.indexOf("source"));
    expect(first).toMatchObject({ missing: 1, extra: 1, different: 1 });
    expect(first.recorded).toMatchObject({ checked: 5, stillDifferent: 3, nowEqual: 2, notCompared: 1 });
    expect(first.recorded!.samples.map((x) => `${x.key}:${x.kind}`).sort()).toEqual(["changed:value", "missing:missing", "only-on-target:extra"]);

    // a key repaired while it waits for its re-check counts as equal now
    let repaired = false;
    const second = await run({
      dbs: [0],
      rounds: 2,
      recheckDelayMs: 500,
      recorded,
      progressIntervalMs: 0,
      onProgress: (p) => {
        if (p.phase === "recorded" && p.recordedChecked === 5 && !repaired) {
          repaired = true;
          void d.set("changed", "2");
        }
      },
    });
    expect(repaired).toBe(true);
    expect(second.recorded).toMatchObject({ checked: 5, stillDifferent: 2, nowEqual: 3 });
    // without recorded keys there is no such part
    expect((await run({ dbs: [0] })).recorded).toBeUndefined();
  });

  it("compares function libraries by name and code, and re-checks them like keys", async () => {
    await writeEveryType(s);
    await copyKeys(s, d);
    await s.call("FUNCTION", "LOAD", library("cmplib", "1"));
    await d.call("FUNCTION", "LOAD", library("cmplib", "1"));
    expect(await run()).toMatchObject({ equal: true, different: 0 });
    await d.call("FUNCTION", "LOAD", "REPLACE", library("cmplib", "2"));
    await d.call("FUNCTION", "LOAD", library("extralib", "3"));
    const r = await run();
    expect(r).toMatchObject({ equal: false, missing: 0, extra: 0, different: 2, byKind: expect.objectContaining({ function: 2, value: 0 }) });
    expect(r.samples.map((x) => [x.key, x.kind, x.detail])).toEqual([
      ["cmplib", "function", "function library has other code on the target"],
      ["extralib", "function", "function library on the target, not on the source"],
    ]);
    await d.call("FUNCTION", "FLUSH");
    expect((await run()).samples.map((x) => x.detail)).toEqual(["function library missing on the target"]);
    expect(await run({ functions: false })).toMatchObject({ equal: true });
    // a library that arrives between two checks is not a difference
    const late = run({ rounds: 3, recheckDelayMs: 400 });
    setTimeout(() => void d.call("FUNCTION", "LOAD", library("cmplib", "1")), 200);
    expect(await late).toMatchObject({ equal: true });
  });

  it("stops on abort with a CANCELLED error", async () => {
    await writeManyStrings(s, 5_000);
    const controller = new AbortController();
    const p = run({ batchSize: 100, signal: controller.signal, onProgress: () => controller.abort(), progressIntervalMs: 0 });
    await expect(p).rejects.toMatchObject({ code: "CANCELLED" });
  });

  it("says which side cannot be reached", async () => {
    const gone = await startRedis();
    await gone.stop();
    await expect(compare({ source: ep(src), target: ep(gone), mode: "quick" })).rejects.toMatchObject({ code: "CONNECT_FAILED", message: expect.stringMatching(/^target: connection to 127\.0\.0\.1:\d+ refused/) });
    await expect(compare({ source: { ...ep(src), mode: "cluster" }, target: ep(dst), mode: "quick" })).rejects.toThrow(/source 127\.0\.0\.1:\d+ is not a cluster node/);
    const limited = await startRedis({ aclUsers: { cmp: "on >pw ~* &* +@all -get" } });
    await limited.client().set("k", "v");
    await s.set("k", "v");
    const noGet = { ...ep(limited), username: "cmp", password: "pw" };
    await expect(compare({ source: ep(src), target: noGet, mode: "full" })).rejects.toMatchObject({
      code: "AUTH_FAILED",
      message: expect.stringMatching(/^target: the account lacks a permission the comparison needs \(NOPERM.*'get'/),
    });
    expect(await compare({ source: ep(src), target: noGet, mode: "quick" })).toMatchObject({ equal: true, keys: 1 });
  });
});
