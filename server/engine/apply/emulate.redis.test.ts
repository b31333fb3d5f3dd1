import { afterAll, beforeAll, describe, expect, it } from "vitest";
import calculateSlot from "cluster-key-slot";
import type { Cluster, Redis } from "ioredis";
import { startCluster, startRedis, stopAll } from "../../testing/redis-harness";
import { readKey } from "../keys/read-key";
import { valuesEqual } from "../keys/diff-values";
import { emulate } from "./emulate";
import { emulationTmpPrefix, isTaskKey, tmpKeyInSlot } from "../own-keys";

let cluster: Cluster;
let single: Redis;

beforeAll(async () => {
  cluster = (await startCluster({ masters: 3 })).client();
  single = (await startRedis()).client();
});
afterAll(stopAll);

const argv = (...a: (string | number)[]) => a.map((x) => Buffer.from(String(x)));

/** Same writes on both; the command runs natively on the standalone and emulated on the cluster. */
async function check(setup: (string | number)[][], command: (string | number)[], keys: string[]) {
  for (const c of [single, cluster]) {
    await c.flushall();
  }
  await Promise.all((cluster as Cluster).nodes("master").map((n) => n.flushall()));
  for (const cmd of setup) {
    await single.call(String(cmd[0]), ...cmd.slice(1).map(String));
    await cluster.call(String(cmd[0]), ...cmd.slice(1).map(String));
  }
  const name = String(command[0]).toLowerCase();
  await single.call(String(command[0]), ...command.slice(1).map(String));
  await emulate(cluster, name, argv(...command), emulationTmpPrefix("t1"));
  for (const k of keys) {
    const want = await readKey(single, k);
    const got = await readKey(cluster as unknown as Redis, k);
    expect(got === null, `existence of ${k}`).toBe(want === null);
    if (want && got) {
      expect(valuesEqual(want.value, got.value), `value of ${k}`).toBe(true);
      expect(got.expireAt === null).toBe(want.expireAt === null);
    }
  }
  // No temporary key is left behind.
  for (const n of cluster.nodes("master")) expect(await n.keys("DTS_REDIS_TIMESTAMP_HEARTBEAT*")).toEqual([]);
}

describe("cross-slot emulation on a cluster destination", () => {
  it("uses keys that really are in different slots", () => {
    expect(new Set(["a", "b", "c", "d"].map((k) => calculateSlot(k))).size).toBe(4);
    // temporary keys share the written key's slot whatever its braces, and are the task's own keys
    for (const anchor of ["d", "u{tag}v", "{}x", "a{b", "}{", "\u00ff{\u0000}"]) {
      const tmp = tmpKeyInSlot(emulationTmpPrefix("t1"), Buffer.from(anchor), 0);
      expect(calculateSlot(tmp), anchor).toBe(calculateSlot(Buffer.from(anchor)));
      expect(isTaskKey(tmp, "t1")).toBe(true);
    }
  });

  it("RENAME and COPY keep value and TTL", async () => {
    await check([["RPUSH", "a", 1, 2, 3], ["PEXPIRE", "a", 100000]], ["RENAME", "a", "b"], ["a", "b"]);
    await check([["HSET", "a", "f", "v"], ["SET", "b", "old"]], ["COPY", "a", "b", "REPLACE"], ["a", "b"]);
  });

  it("list and set moves", async () => {
    await check([["RPUSH", "a", 1, 2, 3], ["RPUSH", "b", 9]], ["RPOPLPUSH", "a", "b"], ["a", "b"]);
    await check([["RPUSH", "a", 1, 2, 3]], ["LMOVE", "a", "b", "LEFT", "RIGHT"], ["a", "b"]);
    await check([["SADD", "a", "x", "y"], ["SADD", "b", "z"]], ["SMOVE", "a", "b", "x"], ["a", "b"]);
  });

  it("set, sorted-set, bit and HyperLogLog stores", async () => {
    const sets = [["SADD", "a", 1, 2, 3], ["SADD", "b", 2, 3, 4], ["SADD", "c", 3, 9]];
    await check(sets, ["SUNIONSTORE", "d", "a", "b", "c"], ["d"]);
    await check(sets, ["SINTERSTORE", "d", "a", "b"], ["d"]);
    await check(sets, ["SDIFFSTORE", "d", "a", "b", "missing"], ["d"]);
    const zsets = [["ZADD", "a", 1, "x", 2, "y"], ["ZADD", "b", 5, "y", 7, "z"]];
    await check(zsets, ["ZUNIONSTORE", "d", 2, "a", "b", "WEIGHTS", 2, 3, "AGGREGATE", "MAX"], ["d"]);
    await check(zsets, ["ZINTERSTORE", "d", 2, "a", "b"], ["d"]);
    await check(zsets, ["ZRANGESTORE", "d", "b", 0, -1], ["d"]);
    await check([["SET", "a", "abc"], ["SET", "b", "xyz"]], ["BITOP", "XOR", "d", "a", "b"], ["d"]);
    await check([["PFADD", "a", 1, 2], ["PFADD", "b", 3], ["PFADD", "d", 4]], ["PFMERGE", "d", "a", "b"], ["d"]);
    await check([["RPUSH", "a", 3, 1, 2]], ["SORT", "a", "STORE", "d"], ["d"]);
  });

  it("SORT and GEORADIUS stores into a key of another slot (the last STORE/STOREDIST is the one written)", async () => {
    await check([["RPUSH", "a", 3, 1, 2, 7]], ["SORT", "a", "LIMIT", 0, 2, "DESC", "STORE", "d"], ["d"]);
    await check([["RPUSH", "a", 3, 1, 2]], ["SORT", "a", "BY", "nosort", "STORE", "d"], ["d"]);
    const geo = [["GEOADD", "a", 13.361389, 38.115556, "Palermo", 15.087269, 37.502669, "Catania"]];
    await check(geo, ["GEORADIUS", "a", 15, 37, 200, "km", "STORE", "d"], ["d"]);
    await check(geo, ["GEORADIUSBYMEMBER", "a", "Palermo", 300, "km", "STOREDIST", "d"], ["d"]);
    await check(geo, ["GEORADIUS", "a", 15, 37, 200, "km", "ASC", "STORE", "b", "STOREDIST", "d"], ["b", "d"]);
  });
});
