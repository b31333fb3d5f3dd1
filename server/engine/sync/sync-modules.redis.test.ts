import calculateSlot from "cluster-key-slot";
import type { Cluster, Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startCluster, startRedis, stopAll } from "../../testing/redis-harness";
import { syncProcessPool } from "../../testing/sync-process";
import { compareSides, describeDiff, endpointOf, seedData, waitCaughtUp } from "../../testing/sync-fixtures";
import { DTSTYPE_TYPE, moduleDifferences, seedModuleKeys, withDtstype } from "../../testing/modules/module-fixtures";
import { redisearchModule } from "../../testing/modules/build-module";

/**
 * Module data types and module commands through `redis-dts sync`, with our dtstype module (built
 * with gcc at test time) and Debian's RediSearch: full synchronization RESTOREs module values,
 * incremental module commands are routed by the keys the servers report (key specs, COMMAND
 * GETKEYS), and a destination without the module fails the precheck.
 */
const pool = syncProcessPool();
afterEach(pool.cleanup);
afterAll(stopAll);
let tasks = 0;
const sync = (args: string[]) => pool.start(["--task", `m${tasks++}`, ...args]);

/** Module writes of every kind, in keys spread over slots; returns every module key written. */
async function moduleWorkload(c: Redis): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < 120; i++) {
    const k = `w:${i}`;
    await c.call("DTSTYPE.SET", k, `v${i}`);
    if (i % 2 === 0) await c.call("DTSTYPE.APPEND", k, `+${i}`);
    keys.push(k);
  }
  // MERGE: one slot, then sources in other slots than the destination (key specs: dst written, sources read)
  await c.call("DTSTYPE.MERGE", "{g}d", 2, "{g}a", "{g}b");
  await c.call("DTSTYPE.SET", "{g}a", "A");
  await c.call("DTSTYPE.SET", "{g}b", "B");
  await c.call("DTSTYPE.MERGE", "{g}d", 2, "{g}a", "{g}b");
  await c.call("DTSTYPE.MERGE", "merged", 3, "w:1", "w:2", "w:3");
  await c.call("DTSTYPE.MERGE", "w:5", 2, "w:5", "w:6");
  keys.push("{g}d", "{g}a", "{g}b", "merged");
  // FILL: keys only its getkeys callback knows (COMMAND GETKEYS on the destination), one slot
  await c.call("DTSTYPE.FILL", "filled", "{f}1", "{f}2", "{f}3");
  keys.push("{f}1", "{f}2", "{f}3");
  // inside a transaction too
  await c.multi().call("DTSTYPE.SET", "{t}1", "in-tx").call("DTSTYPE.FILL", "tx-fill", "{t}2", "{t}3").exec();
  keys.push("{t}1", "{t}2", "{t}3");
  // a module value renamed into another slot (DUMP/RESTORE of a module value) and deleted
  await c.rename("w:7", "renamed:7");
  await c.del("w:8");
  keys.push("renamed:7");
  return keys;
}

describe("redis-dts sync with module data types", () => {
  it("standalone → standalone with the module: every module value arrives, full and incremental", async () => {
    const src = await startRedis(withDtstype());
    const dst = await startRedis(withDtstype());
    const c = src.client();
    const seeded = await seedModuleKeys(c, "m:", 150);
    await seedData(c, "a:", 250);
    const p = sync(["--source", src.uri, "--target", dst.uri]);
    const ready = await p.waitState("synchronizing");
    // (the count may include the task's heartbeat key, which the source holds by then)
    expect(ready.fullSync.keys).toBeGreaterThanOrEqual(seeded.length + 250);
    expect(await moduleDifferences(c, dst.client(), seeded)).toEqual([]);
    const written = await moduleWorkload(c);
    await waitCaughtUp(p, [src]);
    expect(await moduleDifferences(c, dst.client(), [...seeded, ...written])).toEqual([]);
    const r = await compareSides(endpointOf(src, "standalone"), endpointOf(dst, "standalone"));
    expect(r.equal, describeDiff(r)).toBe(true);
    expect(await dst.client().type("m:1")).toBe(DTSTYPE_TYPE);
  });

  it("standalone → 3-master cluster with the module on every node: module commands routed to their nodes, MERGE across slots colocated", async () => {
    const src = await startRedis(withDtstype());
    const dst = await startCluster({ masters: 3, ...withDtstype() });
    const c = src.client();
    const seeded = await seedModuleKeys(c, "m:", 150);
    await seedData(c, "a:", 100);
    const p = sync(["--source", src.uri, "--target", dst.uri, "--target-mode", "cluster", "--on-inexact", "fail"]);
    await p.waitState("synchronizing");
    const cluster: Cluster = dst.client();
    expect(await moduleDifferences(c, cluster, seeded)).toEqual([]);
    expect(new Set(["merged", "w:1", "w:2", "w:3"].map((k) => calculateSlot(k))).size).toBe(4);
    const written = await moduleWorkload(c);
    await waitCaughtUp(p, [src]);
    expect(p.last?.state).toBe("synchronizing");
    expect(await moduleDifferences(c, cluster, [...seeded, ...written])).toEqual([]);
    const r = await compareSides(endpointOf(src, "standalone"), endpointOf(dst, "cluster"));
    expect(r.equal, describeDiff(r)).toBe(true);
    // no temporary copy of the colocation is left behind
    for (const n of cluster.nodes("master")) expect(await n.keys("*dts-tmp*")).toEqual([]);
  });

  it("a module loaded after the task started: its commands are learned when first seen (COMMAND INFO) and routed", async () => {
    const loadable = { config: { "enable-module-command": "yes" } };
    const src = await startRedis(loadable);
    const dst = await startCluster({ masters: 3, ...loadable });
    const p = sync(["--source", src.uri, "--target", dst.uri, "--target-mode", "cluster", "--skip-precheck", "--on-inexact", "fail"]);
    await p.waitState("synchronizing");
    const so = withDtstype().config.loadmodule;
    for (const n of await dst.masters()) await n.client().call("MODULE", "LOAD", so);
    const cluster: Cluster = dst.client();
    const c = src.client();
    await c.call("MODULE", "LOAD", so);
    const keys: string[] = [];
    for (let i = 0; i < 40; i++) {
      await c.call("DTSTYPE.SET", `late:${i}`, `v${i}`);
      keys.push(`late:${i}`);
    }
    await c.call("DTSTYPE.MERGE", "late-merged", 2, "late:1", "late:2");
    await c.call("DTSTYPE.FILL", "f", "{z}1", "{z}2");
    keys.push("late-merged", "{z}1", "{z}2");
    await waitCaughtUp(p, [src], 20_000);
    expect(p.last?.state).toBe("synchronizing");
    expect(await moduleDifferences(c, cluster, keys)).toEqual([]);
  });

  it("a module command writing keys of several slots is reported, not lost silently (--on-inexact fail stops the task naming it)", async () => {
    const src = await startRedis(withDtstype());
    const dst = await startCluster({ masters: 3, ...withDtstype() });
    const p = sync(["--source", src.uri, "--target", dst.uri, "--target-mode", "cluster", "--on-inexact", "fail"]);
    await p.waitState("synchronizing");
    expect(calculateSlot("x1")).not.toBe(calculateSlot("x2"));
    await src.client().call("DTSTYPE.FILL", "v", "x1", "x2");
    const failed = await p.waitState("failed");
    expect(failed.error).toMatch(/DTSTYPE\.FILL touches keys in several slots of the cluster destination/);
  });

  it("a destination without the module fails the precheck, naming the module", async () => {
    const src = await startRedis(withDtstype());
    await seedModuleKeys(src.client(), "m:", 10);
    const dst = await startRedis();
    const p = sync(["--source", src.uri, "--target", dst.uri]);
    expect(await p.exited()).toBe(1);
    expect(p.last?.state).toBe("precheck_failed");
    expect(p.last?.error).toMatch(/Source modules loaded on the destination: The destination lacks modules the source has: dtstype 1: missing on 127\.0\.0\.1:\d+/);
    expect(await dst.client().dbsize()).toBe(0);
  });

  it("without the module on the destination (precheck skipped): module values are refused divergences; by default the first one pauses the task", async () => {
    const src = await startRedis(withDtstype());
    const seeded = await seedModuleKeys(src.client(), "m:", 40);
    await seedData(src.client(), "a:", 70);
    const dst = await startRedis();
    const paused = sync(["--source", src.uri, "--target", dst.uri, "--skip-precheck"]);
    await paused.waitState("paused");
    expect(paused.last?.divergence.haltedBy).toMatch(/^the destination refused RESTORE .+ \(db 0\): module value .+ of type dts-value not written: 127\.0\.0\.1:\d+ cannot load this module type \(ERR Bad data format\)/);
    expect(await paused.exited()).toBe(4);
    // skip and record: every module value counted, everything else copied
    const dst2 = await startRedis();
    const skipping = sync(["--source", src.uri, "--target", dst2.uri, "--skip-precheck", "--on-inexact", "skip"]);
    const line = await skipping.waitState("synchronizing");
    expect(line.divergence.refused).toBe(seeded.length);
    expect(line.divergence.recent.at(-1)).toMatchObject({ kind: "refused", command: "RESTORE", phase: "full" });
    const r = await compareSides(endpointOf(src, "standalone"), endpointOf(dst2, "standalone"));
    expect(r.missing).toBe(seeded.length);
    expect(r.different + r.extra).toBe(0);
  });

  it("SORT … STORE and GEORADIUS … STORE/STOREDIST into keys of other slots arrive equal (standalone → cluster)", async () => {
    const src = await startRedis();
    const dst = await startCluster({ masters: 3 });
    const c = src.client();
    await c.rpush("list", 5, 3, 9, 1);
    await c.geoadd("geo", 13.361389, 38.115556, "Palermo", 15.087269, 37.502669, "Catania");
    const p = sync(["--source", src.uri, "--target", dst.uri, "--target-mode", "cluster", "--skip-precheck", "--on-inexact", "fail"]);
    await p.waitState("synchronizing");
    for (const k of ["sorted", "sorted2"]) expect(calculateSlot(k), k).not.toBe(calculateSlot("list"));
    for (const k of ["near", "dists", "both-b"]) expect(calculateSlot(k), k).not.toBe(calculateSlot("geo"));
    await c.sort("list", "STORE", "sorted");
    await c.sort("list", "LIMIT", 0, 2, "DESC", "STORE", "sorted2");
    await c.call("GEORADIUS", "geo", 15, 37, 200, "km", "STORE", "near");
    await c.call("GEORADIUSBYMEMBER", "geo", "Palermo", 300, "km", "STOREDIST", "dists");
    await c.call("GEORADIUS", "geo", 15, 37, 300, "km", "ASC", "STORE", "both-a", "STOREDIST", "both-b");
    await waitCaughtUp(p, [src]);
    expect(p.last?.state).toBe("synchronizing");
    const r = await compareSides(endpointOf(src, "standalone"), endpointOf(dst, "cluster"));
    expect(r.equal, describeDiff(r)).toBe(true);
    const cluster = dst.client();
    expect(await cluster.lrange("sorted", 0, -1)).toEqual(["1", "3", "5", "9"]);
    expect(await cluster.zrange("dists", "0", "-1")).toEqual(["Palermo", "Catania"]);
    expect(await cluster.exists("both-a")).toBe(0);
    expect(await cluster.zcard("both-b")).toBe(2);
  });

  const redisearch = redisearchModule();
  it.skipIf(!redisearch)("RediSearch (Debian's redis-redisearch 1.2): index and documents, full and incremental, searchable on the destination", async () => {
    const src = await startRedis({ config: { loadmodule: redisearch! } });
    const dst = await startRedis({ config: { loadmodule: redisearch! } });
    const c = src.client();
    await c.call("FT.CREATE", "idx", "SCHEMA", "title", "TEXT", "WEIGHT", "5.0", "body", "TEXT", "n", "NUMERIC");
    for (let i = 0; i < 40; i++) await c.call("FT.ADD", "idx", `doc${i}`, "1.0", "FIELDS", "title", `hello number ${i}`, "body", i % 2 ? "odd lorem" : "even ipsum", "n", i);
    const p = sync(["--source", src.uri, "--target", dst.uri]);
    await p.waitState("synchronizing");
    for (let i = 40; i < 60; i++) await c.call("FT.ADD", "idx", `doc${i}`, "1.0", "FIELDS", "title", `hello later ${i}`, "body", "late", "n", i);
    await c.call("FT.DEL", "idx", "doc3");
    await waitCaughtUp(p, [src]);
    const search = async (client: Redis, q: string) => (await client.call("FT.SEARCH", "idx", q, "NOCONTENT", "LIMIT", 0, 100)) as unknown[];
    for (const q of ["hello", "odd", "late", "@n:[10 45]"]) {
      const [want, got] = [await search(c, q), await search(dst.client(), q)];
      expect(got[0], q).toBe(want[0]);
      expect(new Set(got.slice(1)), q).toEqual(new Set(want.slice(1)));
    }
    expect(Number((await search(dst.client(), "hello"))[0])).toBe(59);
    // the documents themselves; the index's own keys are compared through search: RediSearch's
    // garbage collector removes emptied index keys on each server at its own time
    for (let i = 0; i < 60; i++) expect(await dst.client().hgetall(`doc${i}`), `doc${i}`).toEqual(await c.hgetall(`doc${i}`));
    const docs = async (client: Redis) => /num_docs\D+(\d+)/.exec(JSON.stringify(await client.call("FT.INFO", "idx")))?.[1];
    expect(await docs(c)).toBe("59");
    expect(await docs(dst.client())).toBe("59");
  });
});
