import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startCluster, startRedis, stopAll } from "../../testing/redis-harness";
import { syncProcessPool } from "../../testing/sync-process";

/**
 * One status is one consistent snapshot: once it says the full synchronization is done (state
 * synchronizing), every shard is past it too, with its offsets, never "done" beside a shard that
 * still shows the full phase at offset 0.
 */
const pool = syncProcessPool();
afterEach(pool.cleanup);
afterAll(stopAll);

describe("status snapshots", () => {
  it("a status saying the full sync is done has every shard incremental, with offsets", async () => {
    const src = await startCluster({ masters: 3 });
    const dst = await startRedis();
    const c = src.client();
    for (let i = 0; i < 300; i++) await c.set(`k:${i}`, String(i));
    const p = pool.start(["--task", "snap", "--skip-precheck", "--source", src.uri, "--source-mode", "cluster", "--target", dst.uri]);
    await p.waitState("synchronizing");
    await new Promise((r) => setTimeout(r, 1500));
    const contradictory = p.lines.filter((l) => (l.state === "synchronizing" || l.fullSync.done) && l.shards.some((s) => s.offset === null || s.appliedOffset === null));
    expect(contradictory.map((l) => JSON.stringify({ state: l.state, done: l.fullSync.done, shards: l.shards }))).toEqual([]);
  });
});
