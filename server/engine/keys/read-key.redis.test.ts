import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { startRedis, stopAll, type RedisNode } from "../../testing/redis-harness";
import { readKey, readKeys } from "./read-key";
import { diffValues, valuesEqual } from "./diff-values";
import { serverCapabilities } from "./capabilities";
import { toRunner } from "./command-runner";

let node: RedisNode;
let other: RedisNode;
let c: Redis;
let d: Redis;

beforeAll(async () => {
  [node, other] = await Promise.all([startRedis(), startRedis()]);
  c = node.client();
  d = other.client();
});
afterAll(() => stopAll());

const b = (s: string) => Buffer.from(s);
const bin = Buffer.from([0, 1, 2, 0xff, 0x0d, 0x0a, 0x80]);

describe("readKey", () => {
  it("reads a binary string with its absolute expiry", async () => {
    await c.set(bin, bin);
    const at = Date.now() + 100_000;
    await c.pexpireat(bin, at);
    const k = await readKey(c, bin);
    expect(k?.value).toEqual({ type: "string", value: bin });
    expect(k?.expireAt).toBe(at);
    expect(k?.key.equals(bin)).toBe(true);
  });

  it("falls back to PTTL when the account may not run COMMAND (absolute expiry computed from now)", async () => {
    const locked = await startRedis({ aclUsers: { reader: "on >pw ~* &* +@all -command" } });
    const admin = locked.client();
    const at = Date.now() + 50_000;
    await admin.set("t", "v", "PXAT", at);
    const { Redis } = await import("ioredis");
    const reader = new Redis({ host: locked.host, port: locked.port, username: "reader", password: "pw" });
    try {
      await expect(reader.call("COMMAND", "INFO", "GET")).rejects.toThrow(/NOPERM/);
      const k = await readKey(reader, "t");
      expect(k?.value).toEqual({ type: "string", value: b("v") });
      expect(Math.abs((k?.expireAt ?? 0) - at)).toBeLessThan(1000);
      expect(await serverCapabilities(toRunner(reader))).toEqual({ pexpiretime: false, hashFieldExpiry: false });
      expect(await serverCapabilities(toRunner(admin))).toEqual({ pexpiretime: true, hashFieldExpiry: false });
    } finally {
      reader.disconnect();
    }
  });

  it("returns null for a missing key and expireAt null for a persistent one", async () => {
    expect(await readKey(c, "nope")).toBeNull();
    await c.set("plain", "");
    expect(await readKey(c, "plain")).toEqual({ key: b("plain"), value: { type: "string", value: b("") }, expireAt: null });
  });

  it("reads lists in pages, in order", async () => {
    const items = Array.from({ length: 23 }, (_, i) => Buffer.concat([bin, b(String(i))]));
    await c.rpush("list", ...items);
    const k = await readKey(c, "list", { pageSize: 5 });
    expect(k?.value).toEqual({ type: "list", items });
  });

  it("reads sets and hashes with SCAN pages, small (listpack) and large (hashtable)", async () => {
    const members = Array.from({ length: 300 }, (_, i) => b(`m${i}`)).concat([bin]);
    await c.sadd("set", ...members);
    await c.sadd("small-set", "a", "b");
    await c.sadd("int-set", 3, 1, 2);
    const fields = members.map((m, i) => [m, b(`v${i}`)]).flat();
    await c.hset("hash", ...fields);
    const set = await readKey(c, "set", { pageSize: 7 });
    expect(set?.value.type).toBe("set");
    if (set?.value.type !== "set") return;
    expect(set.value.members.map(String).sort()).toEqual(members.map(String).sort());
    expect((await readKey(c, "int-set"))?.value).toMatchObject({ type: "set", members: expect.arrayContaining([b("1"), b("2"), b("3")]) });
    const hash = await readKey(c, "hash", { pageSize: 7 });
    if (hash?.value.type !== "hash") throw new Error("not a hash");
    expect(hash.value.fields.length).toBe(members.length);
    const byName = new Map(hash.value.fields.map((f) => [f.field.toString("latin1"), f.value.toString()]));
    expect(byName.get(bin.toString("latin1"))).toBe(`v${members.length - 1}`);
  });

  it("reads zsets with exact scores, including infinities and tiny differences", async () => {
    await c.zadd("zset", "-inf", "low", "inf", "high", "0.1", "tenth", "0.30000000000000004", "odd", "-2.5e-300", bin);
    const k = await readKey(c, "zset", { pageSize: 2 });
    if (k?.value.type !== "zset") throw new Error("not a zset");
    const scores = new Map(k.value.entries.map((e) => [e.member.toString("latin1"), e.score]));
    expect(scores.get("low")).toBe(-Infinity);
    expect(scores.get("high")).toBe(Infinity);
    expect(scores.get("tenth")).toBe(0.1);
    expect(scores.get("odd")).toBe(0.30000000000000004);
    expect(scores.get(bin.toString("latin1"))).toBe(-2.5e-300);
  });

  it("reads a stream with its metadata, groups, PEL and consumers", async () => {
    for (let i = 1; i <= 12; i++) await c.xadd("stream", `${i}-1`, "f", `v${i}`, "bin", bin);
    await c.xdel("stream", "3-1");
    await c.xgroup("CREATE", "stream", "g1", "0");
    await c.xgroup("CREATE", "stream", "g2", "$");
    await c.xreadgroup("GROUP", "g1", "alice", "COUNT", 4, "STREAMS", "stream", ">");
    await c.xreadgroup("GROUP", "g1", "bob", "COUNT", 2, "STREAMS", "stream", ">");
    await c.xack("stream", "g1", "1-1");
    await c.call("XGROUP", "CREATECONSUMER", "stream", "g1", "idle");
    const k = await readKey(c, "stream", { pageSize: 3 });
    if (k?.value.type !== "stream") throw new Error("not a stream");
    const s = k.value.stream;
    expect(s.length).toBe(11);
    expect(s.entries.map((e) => e.id)).toEqual(["1-1", "2-1", ...Array.from({ length: 9 }, (_, i) => `${i + 4}-1`)]);
    expect(s.entries[0].fields).toEqual([b("f"), b("v1"), b("bin"), bin]);
    expect(s).toMatchObject({ lastId: "12-1", maxDeletedId: "3-1", entriesAdded: 12, firstId: "1-1" });
    const g1 = s.groups.find((g) => g.name.toString() === "g1")!;
    expect(g1.lastId).toBe("7-1");
    expect(g1.pending.map((p) => [p.id, p.consumer.toString(), p.deliveryCount])).toEqual([
      ["2-1", "alice", 1], ["4-1", "alice", 1], ["5-1", "alice", 1], ["6-1", "bob", 1], ["7-1", "bob", 1],
    ]);
    expect(g1.consumers.map((x) => [x.name.toString(), x.pending])).toEqual([
      ["alice", ["2-1", "4-1", "5-1"]], ["bob", ["6-1", "7-1"]], ["idle", []],
    ]);
    expect(s.groups.find((g) => g.name.toString() === "g2")).toMatchObject({ lastId: "12-1", pending: [], consumers: [] });
  });

  it("reads many keys of every type in one call, in order, and a PEL larger than a page", async () => {
    for (let i = 0; i < 10; i++) await c.xadd("big-pel", "*", "i", String(i));
    await c.xgroup("CREATE", "big-pel", "g", "0");
    await c.xreadgroup("GROUP", "g", "x", "STREAMS", "big-pel", ">");
    const keys = ["plain", "list", "nope", "set", "zset", "hash", "stream", "big-pel"].map(b);
    const all = await readKeys(c, keys, { pageSize: 4 });
    expect(all.map((k) => k?.value.type ?? null)).toEqual(["string", "list", null, "set", "zset", "hash", "stream", "stream"]);
    const pel = all[7]?.value;
    if (pel?.type !== "stream") throw new Error("not a stream");
    expect(pel.stream.groups[0].pending.length).toBe(10);
    expect(pel.stream.groups[0].consumers[0].pending.length).toBe(10);
  });
});

describe("canonical equality", () => {
  it("finds equal values on two servers whatever the insertion order", async () => {
    const members = Array.from({ length: 200 }, (_, i) => `m${i}`);
    await c.sadd("o-set", ...members);
    await d.sadd("o-set", ...[...members].reverse());
    await c.hset("o-hash", ...members.flatMap((m) => [m, m + "v"]));
    await d.hset("o-hash", ...[...members].reverse().flatMap((m) => [m, m + "v"]));
    await c.zadd("o-zset", ...members.flatMap((m, i) => [i / 3, m]));
    await d.zadd("o-zset", ...[...members].reverse().flatMap((m) => [members.indexOf(m) / 3, m]));
    for (const key of ["o-set", "o-hash", "o-zset"]) {
      const x = await readKey(c, key, { pageSize: 16 });
      const y = await readKey(d, key, { pageSize: 16 });
      expect(valuesEqual(x!.value, y!.value), key).toBe(true);
    }
  });

  it("names each kind of difference", async () => {
    const s = (v: Buffer) => ({ type: "string" as const, value: v });
    const other = Buffer.from(bin);
    other[3] ^= 1;
    expect(diffValues(s(bin), s(other))).toEqual({ kind: "value", detail: "string differs at byte 3" });
    expect(diffValues(s(bin), s(b("x")))?.kind).toBe("length");
    expect(diffValues(s(bin), { type: "list", items: [] })?.kind).toBe("type");
    expect(diffValues({ type: "zset", entries: [{ member: b("a"), score: 0.1 }] }, { type: "zset", entries: [{ member: b("a"), score: 1 / 10 }] })).toBeNull();
    expect(diffValues({ type: "zset", entries: [{ member: b("a"), score: 0.1 }] }, { type: "zset", entries: [{ member: b("a"), score: 0.10000000000000002 }] })?.kind).toBe("value");
    expect(diffValues({ type: "hash", fields: [{ field: b("f"), value: b("1") }] }, { type: "hash", fields: [{ field: b("f"), value: b("2") }] })?.detail).toMatch(/hash field f/);
  });

  it("compares streams group by group, ignoring consumer times on request", async () => {
    const read = async (client: Redis) => (await readKey(client, "g-stream"))!.value;
    for (const client of [c, d]) {
      await client.xadd("g-stream", "1-1", "a", "1");
      await client.xadd("g-stream", "2-1", "a", "2");
      await client.xgroup("CREATE", "g-stream", "ga", "0");
      await client.xgroup("CREATE", "g-stream", "gb", "0");
    }
    await c.xreadgroup("GROUP", "ga", "alice", "COUNT", 1, "STREAMS", "g-stream", ">");
    await d.xreadgroup("GROUP", "ga", "alice", "COUNT", 1, "STREAMS", "g-stream", ">");
    // the PEL delivery times and seen times differ by the ms between the two reads
    const relaxed = { ignoreConsumerTimes: true, ignoreDeliveryTimes: true };
    expect(diffValues(await read(c), await read(d), relaxed)).toBeNull();
    await d.xreadgroup("GROUP", "gb", "bob", "COUNT", 1, "STREAMS", "g-stream", ">");
    expect(diffValues(await read(c), await read(d), relaxed)?.detail).toMatch(/stream group gb: last delivered id 0-0 vs 1-1/);
    await d.call("XGROUP", "DESTROY", "g-stream", "gb");
    expect(diffValues(await read(c), await read(d), relaxed)?.detail).toMatch(/stream groups 2 vs 1/);
  });

  it("reads a stream deleted between its two pipelines as gone, not as an error (found by the fuzz soak)", async () => {
    await c.xadd("racing-stream", "*", "f", "v");
    await c.set("racing-string", "x");
    const real = toRunner(c);
    let calls = 0;
    // a real server; another client deletes the keys right after the TYPE pipeline was answered
    const racing = {
      async batch(commands: Parameters<typeof real.batch>[0]) {
        const replies = await real.batch(commands);
        if (commands.some((cmd) => String(cmd[0]) === "TYPE") && calls++ === 0) await node.client().del("racing-stream", "racing-string");
        return replies;
      },
    };
    expect(await readKeys(racing, [b("racing-stream"), b("racing-string")])).toEqual([null, null]);
  });
});
