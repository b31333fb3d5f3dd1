import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startCluster, startRedis, stopAll, waitFor, type RedisNode } from "../../testing/redis-harness";
import { syncProcessPool, type SyncProcess } from "../../testing/sync-process";
import { runWorkload } from "../../testing/workload";
import { compareSides, describeDiff, endpointOf, seedData } from "../../testing/sync-fixtures";
import type { Redis } from "ioredis";
import { spawnSync } from "node:child_process";

/**
 * Issue 17, part 3: sources that refuse SYNC/PSYNC (rename-command, as managed services do) are read
 * by the scan reader: SCAN + DUMP + PTTL for the copy, keyspace notifications for what changes.
 */
const pool = syncProcessPool();
afterEach(pool.cleanup);
afterAll(stopAll);
let tasks = 0;
const sync = (args: string[]) => pool.start(["--task", `scan${tasks++}`, ...args]);
const NO_REPLICATION = { "rename-command": ['SYNC ""', 'PSYNC ""'] };

/** Writes a marker last and waits until the destination holds it and the reader has read every notified key. */
async function waitFollowed(p: SyncProcess, src: Redis, dst: Redis, marker: string): Promise<void> {
  await src.set(marker, "1");
  await waitFor(async () => (await dst.exists(marker)) === 1, 30_000, `the marker ${marker} on the destination: ${JSON.stringify(p.last)} ${p.stderr.slice(-1500)}`);
  await waitFor(() => (p.last?.shards ?? []).every((s) => (s.appliedOffset ?? 0) >= (s.offset ?? 0)), 30_000, `every notified key read again: ${JSON.stringify(p.last)}`);
  // Functions libraries change without a notification: the reader compares them every 2 s
  const libraries = async (r: Redis) => JSON.stringify(await r.call("FUNCTION", "LIST"));
  const want = await libraries(src);
  await waitFor(async () => (await libraries(dst)) === want, 10_000, "the Functions libraries on the destination");
}

describe("the scan reader", () => {
  it("copies a source with SYNC and PSYNC renamed away (chosen by itself), follows writes during and after the copy, compare says equal", async () => {
    const src = await startRedis({ config: NO_REPLICATION });
    const dst = await startRedis();
    const c = src.client();
    await seedData(c, "a:", 3000);
    // enough keys that the copy lasts while the writes below run
    for (let i = 0; i < 100_000; i += 1000) await c.mset(Object.fromEntries(Array.from({ length: 1000 }, (_, j) => [`bulk:${i + j}`, `value-${i + j}`])));
    await c.select(1);
    await seedData(c, "b:", 200);
    await c.select(0);
    const before = String((await c.config("GET", "notify-keyspace-events"))[1]);
    // no flag: the precheck finds PSYNC refused (a warning) and the engine picks the scan reader
    const p = sync(["--source", src.uri, "--target", dst.uri]);
    // writes while the copy runs (it has begun once it counts keys: the subscription is made before)
    await waitFor(() => (p.last?.fullSync.keys ?? 0) > 0, 30_000, `the copy begun: ${p.stderr.slice(-1000)}`);
    const during = (async () => {
      const w = src.client();
      for (let i = 0; i < 300; i++) {
        await w.set(`during:${i}`, `v${i}`);
        if (i % 3 === 0) await w.hset(`a:${(i * 7) % 3000}:h`, "during", String(i));
        if (i % 5 === 0) await w.del(`a:${i}:s`);
      }
    })();
    await during;
    expect(p.last?.fullSync.done, "the writes ran while the copy did").toBe(false);
    await p.waitState("synchronizing");
    expect(p.last?.sourceReader).toBe("scan");
    expect(p.last?.warnings?.join(" ")).toContain("best effort: verify before switching");
    // and after it: every kind of write, deletions, expiries, renames, other databases
    await runWorkload(c, { multiDb: true });
    await c.set("soon-gone", "x", "PX", 50);
    await c.lpush("list:after", "a", "b");
    await c.rename("list:after", "list:renamed");
    await c.expire("during:1", 5000);
    await c.persist("a:5:ttl");
    await c.del("during:2");
    const d = dst.client();
    // PUBLISH is in no stream the scan reader reads: forwarded by a subscription, as a cluster's
    const listener = dst.client();
    const heard: string[] = [];
    listener.on("message", (_ch: string, m: string) => heard.push(m));
    await listener.subscribe("news");
    await waitFor(async () => {
      await c.publish("news", "hello");
      return heard.includes("hello");
    }, 15_000, "a PUBLISH on the source heard on the destination");
    await waitFor(() => (p.last?.pubsub?.forwarded ?? 0) > 0, 5000, `the forwarded message counted: ${JSON.stringify(p.last?.pubsub)}`);
    await waitFor(async () => (await d.exists("soon-gone")) === 0 && (await c.exists("soon-gone")) === 0, 10_000, "the expired key gone on both sides");
    await waitFollowed(p, c, d, "marker:1");
    const r = await compareSides(endpointOf(src, "standalone"), endpointOf(dst, "standalone"));
    expect(r.equal, describeDiff(r)).toBe(true);
    expect(r.keys).toBeGreaterThan(103_000);
    expect(await d.ttl("during:1")).toBeGreaterThan(4000);
    // a stop: the final catch-up pass, notify-keyspace-events as it was
    await c.set("last-write", "before-stop");
    expect(await p.stop()).toBe(0);
    expect(await d.get("last-write")).toBe("before-stop");
    // and the run ends with the way to verify
    expect(p.stderr).toMatch(/read by the scan reader \(best effort: verify before switching\): redis-dts compare --source redis:\/\/127\.0\.0\.1:\d+ --target redis:\/\/127\.0\.0\.1:\d+\n/);
    expect(String((await c.config("GET", "notify-keyspace-events"))[1])).toBe(before);
    console.log(`scan reader, standalone: ${r.keys} keys equal; status ${JSON.stringify({ keys: p.lines.at(-1)?.fullSync.keys, shards: p.lines.at(-1)?.shards })}`);
  });

  it("a restart copies everything again over its own keys (no offset to resume from), and catches up with what changed while stopped", async () => {
    const src = await startRedis({ config: NO_REPLICATION });
    const dst = await startRedis();
    const c = src.client();
    await seedData(c, "a:", 500);
    const name = `scan${tasks++}`;
    const first = pool.start(["--task", name, "--source", src.uri, "--target", dst.uri]);
    await first.waitState("synchronizing");
    expect(await first.stop()).toBe(0);
    // while stopped: a change, a deletion (the copy again cannot see it: Data Verification does)
    await c.set("a:0:s", "changed while stopped");
    await c.set("new-while-stopped", "1");
    const again = pool.start(["--task", name, "--source", src.uri, "--target", dst.uri], first.dataDir);
    // default conflict mode is "intercept": the task's own keys from the first run are no conflict
    await again.waitState("synchronizing");
    const d = dst.client();
    expect(await d.get("a:0:s")).toBe("changed while stopped");
    expect(await d.get("new-while-stopped")).toBe("1");
    await waitFollowed(again, c, d, "marker:restart");
    const r = await compareSides(endpointOf(src, "standalone"), endpointOf(dst, "standalone"));
    expect(r.equal, describeDiff(r)).toBe(true);
  });

  it.skipIf(spawnSync("valkey-server", ["--version"]).status !== 0)("a newer source (Valkey 8, DUMP payloads of RDB 11) into Redis 7.0 (RDB 10): encodings it reads are RESTOREd at version 10, the others rebuilt by commands", async () => {
    const src = await startRedis({ binary: "valkey-server", config: NO_REPLICATION });
    const dst = await startRedis();
    const c = src.client();
    await seedData(c, "a:", 300);
    // small sets are listpacks in RDB 11 (type 20), which Redis 7.0 cannot RESTORE
    for (let i = 0; i < 20; i++) await c.sadd(`lp:${i}`, "x", "y", String(i));
    // the precheck's version item fails an older destination (by design); the engine copes anyway
    const p = sync(["--source", src.uri, "--target", dst.uri, "--skip-precheck"]);
    await p.waitState("synchronizing");
    expect(p.last?.sourceReader).toBe("scan");
    const d = dst.client();
    await c.sadd("lp:after", "a", "b");
    await c.hset("h:after", "f", "v");
    await waitFollowed(p, c, d, "marker:valkey");
    const r = await compareSides(endpointOf(src, "standalone"), endpointOf(dst, "standalone"));
    expect(r.equal, describeDiff(r)).toBe(true);
    expect(await d.smembers("lp:3")).toEqual(expect.arrayContaining(["x", "y", "3"]));
    expect(p.last?.divergence.refused).toBe(0);
  });

  it("a lost subscription (notifications published meanwhile are lost) makes the reader copy every key again", async () => {
    const src = await startRedis({ config: NO_REPLICATION });
    const dst = await startRedis();
    const c = src.client();
    await seedData(c, "a:", 100);
    const p = sync(["--source", src.uri, "--target", dst.uri]);
    await p.waitState("synchronizing");
    // the subscription reconnects after 200 ms: these writes land while it is gone
    await c.call("CLIENT", "KILL", "TYPE", "pubsub");
    const gap = c.pipeline();
    for (let i = 0; i < 1000; i++) gap.set(`gap:${i}`, String(i));
    await gap.exec();
    const d = dst.client();
    await waitFor(async () => (await d.get("gap:999")) === "999" && (await d.get("gap:0")) === "0", 30_000, `the keys written while the subscription was down: ${JSON.stringify(p.last)}`);
    await waitFollowed(p, c, d, "marker:gap");
    const r = await compareSides(endpointOf(src, "standalone"), endpointOf(dst, "standalone"));
    expect(r.equal, describeDiff(r)).toBe(true);
  });

  it("incremental data only: nothing copied, the writes from the start followed", async () => {
    const src = await startRedis({ config: NO_REPLICATION });
    const dst = await startRedis();
    const c = src.client();
    await c.set("before", "not copied");
    const p = sync(["--source", src.uri, "--target", dst.uri, "--initial-sync", "incremental"]);
    await p.waitState("synchronizing");
    await c.set("after", "copied");
    await c.set("before", "changed, so read again");
    const d = dst.client();
    await waitFollowed(p, c, d, "marker:incremental");
    expect(await d.get("after")).toBe("copied");
    expect(await d.get("before")).toBe("changed, so read again");
    expect(p.last?.fullSync.keys).toBe(0);
  });

  it("a stop while the destination is down ends anyway (the final catch-up pass is bounded)", async () => {
    const src = await startRedis({ config: NO_REPLICATION });
    const dst = await startRedis();
    const c = src.client();
    await seedData(c, "a:", 100);
    const p = sync(["--source", src.uri, "--target", dst.uri]);
    await p.waitState("synchronizing");
    await dst.kill();
    for (let i = 0; i < 50; i++) await c.set(`while-down:${i}`, "x");
    const stopped = p.stop();
    // bounded by the catch-up limit (15 s) and the writers' close bound, far below this
    const outcome = await Promise.race([stopped.then(() => "exited"), new Promise((r) => setTimeout(() => r("still running"), 45_000))]);
    expect(outcome).toBe("exited");
    expect(p.last?.state).toBe("paused");
  });

  it("bad input: a source refusing PSYNC and keyspace notifications (CONFIG renamed) stops at the precheck with the fix", async () => {
    const src = await startRedis({ config: { "rename-command": [...NO_REPLICATION["rename-command"], 'CONFIG ""'] } });
    const dst = await startRedis();
    const p = pool.start(["--task", `scan${tasks++}`, "--source", src.uri, "--target", dst.uri]);
    expect(await p.exited()).toBe(1);
    expect(p.last?.state).toBe("precheck_failed");
    expect(p.last?.error).toMatch(/Source keyspace notifications \(scan reader\): .*sends no keyspace notifications/);
    expect(p.last?.error).toMatch(/Fix: Enable notify-keyspace-events KA on the source/);
    expect(p.stderr).not.toMatch(/\n\s+at /);
    expect(await dst.client().dbsize()).toBe(0);
  });

  it("a cluster source of 3 masters: one reader and one subscription per master", async () => {
    const src = await startCluster({ masters: 3, config: NO_REPLICATION });
    const dst = await startRedis();
    const c = src.client();
    await seedData(c, "a:", 600);
    const p = sync(["--source", src.uri, "--source-mode", "cluster", "--target", dst.uri, "--source-reader", "scan", "--skip-precheck"]);
    const ready = await p.waitState("synchronizing");
    expect(ready.shards.length).toBe(3);
    await runWorkload(c, { tag: "{w}" });
    await runWorkload(c, { tag: "{v}", prefix: "2:" });
    const d = dst.client();
    for (const tag of ["{w}", "{v}", "{u}"]) await waitFollowed(p, c as unknown as Redis, d, `${tag}marker`);
    const r = await compareSides(endpointOf(src, "cluster"), endpointOf(dst, "standalone"));
    expect(r.equal, describeDiff(r)).toBe(true);
    console.log(`scan reader, cluster source: ${r.keys} keys equal over ${ready.shards.length} masters`);
  });
});

export type { RedisNode };
