import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startRedis, stopAll } from "../../testing/redis-harness";
import { syncProcessPool } from "../../testing/sync-process";
import { ListFeeder, listDefect, pushRange, storedEvents } from "../../testing/resilience";
import { compareSides, describeDiff, endpointOf, seedData, syncStats, waitCaughtUp } from "../../testing/sync-fixtures";

/**
 * The source's replication backlog no longer covers the checkpoint when the engine comes back: the
 * restart has to run a full synchronization again, and the destination must end up equal to the
 * source, with no list element applied twice (neither the old copy nor the stream's replay).
 */
const pool = syncProcessPool();
afterEach(pool.cleanup);
afterAll(stopAll);

describe("replication backlog overrun while the engine is stopped", () => {
  it("the next start does a full resync and the data ends up equal, no duplicated list elements", async () => {
    const src = await startRedis({ config: { "repl-backlog-size": "16kb" } });
    const dst = await startRedis();
    const c = src.client();
    await seedData(c, "a:");
    const args = ["--task", "backlog", "--skip-precheck", "--source", src.uri, "--target", dst.uri];
    const first = pool.start(args);
    await first.waitState("synchronizing");
    await pushRange(c, "list", 0, 5_000);
    await waitCaughtUp(first, [src]);
    expect(await first.stop()).toBe(0);
    const before = await syncStats(src);

    // far more than 16 kB of writes while the engine is away, deletions among them
    await pushRange(c, "list", 5_000, 20_000);
    await c.del("a:0:s", "a:1:l", "a:2:set");
    await c.set("while-stopped", "x");

    const second = pool.start(args, first.dataDir);
    // and the source keeps writing through the new full synchronization
    const feeder = new ListFeeder(c, "feed", { pauseMs: 1 });
    await second.waitState("synchronizing");
    const pushed = await feeder.stop();
    await waitCaughtUp(second, [src]);
    expect((await syncStats(src)).full).toBe(before.full + 1);
    const d = dst.client();
    expect(await listDefect(d, "list", 25_000)).toBeNull();
    expect(await listDefect(d, "feed", pushed)).toBeNull();
    expect(await d.exists("a:0:s", "a:1:l", "a:2:set")).toBe(0);
    const r = await compareSides(endpointOf(src, "standalone"), endpointOf(dst, "standalone"));
    expect(r.equal, describeDiff(r)).toBe(true);
    await second.stop();
    const events = storedEvents(second.dataDir, "backlog").map((e) => e.message);
    const resumed = events.lastIndexOf("task resumed from its checkpoints");
    expect(events.slice(resumed).some((m) => /full synchronization started/.test(m)), JSON.stringify(events)).toBe(true);
  });
});
