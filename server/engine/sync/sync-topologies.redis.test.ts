import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startCluster, startRedis, stopAll, waitFor } from "../../testing/redis-harness";
import { syncProcessPool } from "../../testing/sync-process";
import { runWorkload } from "../../testing/workload";
import { compareSides, describeDiff, endpointOf, seedData, waitCaughtUp } from "../../testing/sync-fixtures";

/**
 * Issue 4's topologies end to end, through `redis-dts sync` as operators run it: full data, then a
 * workload of every synchronized operation, then a key-by-key comparison.
 */
const pool = syncProcessPool();
afterEach(pool.cleanup);
afterAll(stopAll);
let tasks = 0;
const sync = (args: string[]) => pool.start(["--task", `t${tasks++}`, "--skip-precheck", ...args]);

describe("redis-dts sync", () => {
  it("standalone → standalone with two databases, every operation, SWAPDB and MOVE", async () => {
    const src = await startRedis();
    const dst = await startRedis();
    const c = src.client();
    await seedData(c, "a:");
    await c.select(1);
    await seedData(c, "b:", 50);
    await c.select(0);
    const p = sync(["--source", src.uri, "--target", dst.uri]);
    const ready = await p.waitState("synchronizing");
    expect(ready.fullSync.done).toBe(true);
    await runWorkload(c, { multiDb: true, swapdb: true });
    await waitCaughtUp(p, [src]);
    const r = await compareSides(endpointOf(src, "standalone"), endpointOf(dst, "standalone"));
    expect(r.equal, describeDiff(r)).toBe(true);
    expect(r.keys).toBeGreaterThan(250);
  });

  it("standalone databases 0 and 1 → a cluster (both mapped to db 0), cross-slot commands split or emulated", async () => {
    const src = await startRedis();
    const dst = await startCluster({ masters: 3 });
    const c = src.client();
    await seedData(c, "a:");
    await c.select(1);
    await seedData(c, "b:", 50);
    await c.select(0);
    const p = sync(["--source", src.uri, "--target", dst.uri, "--target-mode", "cluster", "--dbs", "0,1", "--db-map", "0:0,1:0"]);
    await p.waitState("synchronizing");
    await runWorkload(c, { multiDb: true });
    await waitCaughtUp(p, [src]);
    const r = await compareSides(endpointOf(src, "standalone"), endpointOf(dst, "cluster"), { dbs: [0, 1], dbMap: new Map([[0, 0], [1, 0]]) });
    expect(r.equal, describeDiff(r)).toBe(true);
  });

  it("cluster → cluster, one stream per source master", async () => {
    const src = await startCluster({ masters: 3 });
    const dst = await startCluster({ masters: 3 });
    const c = src.client();
    await seedData(c, "a:");
    const p = sync(["--source", src.uri, "--source-mode", "cluster", "--target", dst.uri, "--target-mode", "cluster"]);
    const ready = await p.waitState("synchronizing");
    expect(ready.shards.length).toBe(3);
    await runWorkload(c, { tag: "{w}" });
    await runWorkload(c, { tag: "{v}", prefix: "2:" });
    await waitCaughtUp(p, await src.masters());
    const r = await compareSides(endpointOf(src, "cluster"), endpointOf(dst, "cluster"));
    expect(r.equal, describeDiff(r)).toBe(true);
  });

  it("cluster → standalone", async () => {
    const src = await startCluster({ masters: 3 });
    const dst = await startRedis();
    const c = src.client();
    await seedData(c, "a:");
    const p = sync(["--source", src.uri, "--source-mode", "cluster", "--target", dst.uri]);
    await p.waitState("synchronizing");
    await runWorkload(c, { tag: "{w}" });
    await waitCaughtUp(p, await src.masters());
    const r = await compareSides(endpointOf(src, "cluster"), endpointOf(dst, "standalone"));
    expect(r.equal, describeDiff(r)).toBe(true);
  });

  it("reports latency from the heartbeat once synchronizing", async () => {
    const src = await startRedis();
    const dst = await startRedis();
    const p = sync(["--source", src.uri, "--target", dst.uri]);
    await p.waitState("synchronizing");
    await waitFor(() => p.last?.latencyMs != null, 15_000, "a latency from the heartbeat in the status lines");
    expect(p.last?.latencyMs).not.toBeNull();
    expect(p.last!.latencyMs!).toBeGreaterThanOrEqual(0);
    // the heartbeat was applied to the destination too: it shows the last synchronized time
    const keys = await dst.client().keys("DTS_REDIS_TIMESTAMP_HEARTBEAT*");
    expect(keys.length).toBe(1);
  });
});
