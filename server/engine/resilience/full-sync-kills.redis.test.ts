import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { info, startRedis, stopAll, waitFor } from "../../testing/redis-harness";
import { syncProcessPool } from "../../testing/sync-process";
import { ListFeeder, listDefect } from "../../testing/resilience";
import { compareSides, describeDiff, endpointOf, waitCaughtUp } from "../../testing/sync-fixtures";

/**
 * kill -9 of the engine in the two halves of a full synchronization, then a restart on the same
 * task: while the RDB is still arriving (the source is made slow to produce it), and after it has
 * arrived while the load is still writing (the destination is paused). The engine streams the RDB
 * into the loader, so there is no moment between the two: "transfer" means the source has not sent
 * everything yet. Either way the restart synchronizes again and the data ends up equal.
 */
const pool = syncProcessPool();
afterEach(pool.cleanup);
afterAll(stopAll);

async function fill(c: Redis, keys: number): Promise<void> {
  for (let i = 0; i < keys; i += 5000) {
    const p = c.pipeline();
    for (let j = i; j < Math.min(keys, i + 5000); j++) {
      if (j % 10 === 0) p.rpush(`k:l:${j}`, "a", "b", "c");
      else if (j % 10 === 1) p.hset(`k:h:${j}`, "f", String(j), "g", "x");
      else p.set(`k:s:${j}`, `v${j}-${"x".repeat(30)}`);
    }
    await p.exec();
  }
}

/** the source changes while the engine is dead: deleted keys must not survive on the destination */
async function changeWhileDown(c: Redis): Promise<void> {
  await c.del("k:s:2", "k:s:3", "k:l:10");
  await c.rpush("k:l:20", "d");
  await c.set("k:new", "while-down");
}

async function replicaOnline(node: { host: string; port: number } & Parameters<typeof info>[0]): Promise<boolean> {
  return /slave\d+:.*state=online/.test(await info(node, "replication"));
}

describe("kill -9 during a full synchronization", () => {
  it("while the RDB is still arriving: the restart synchronizes again, data equal", async () => {
    // 40,000 keys at 150 µs each: the source needs about 6 s to produce its RDB
    const src = await startRedis({ config: { "rdb-key-save-delay": "150" } });
    const dst = await startRedis();
    const c = src.client();
    await fill(c, 40_000);
    const args = ["--task", "kill-transfer", "--skip-precheck", "--source", src.uri, "--target", dst.uri];
    const first = pool.start(args);
    await waitFor(() => (first.last?.fullSync.bytes ?? 0) > 0, 30_000, "RDB bytes arriving");
    const seen = first.last!.fullSync;
    expect(seen.done).toBe(false);
    expect(await replicaOnline(src)).toBe(false);
    await first.kill();
    await changeWhileDown(c);
    await c.config("SET", "rdb-key-save-delay", "0");
    const feeder = new ListFeeder(c, "feed", { pauseMs: 1 });
    const second = pool.start(args, first.dataDir);
    await second.waitState("synchronizing", 60_000);
    const pushed = await feeder.stop();
    await waitCaughtUp(second, [src]);
    expect(await listDefect(dst.client(), "feed", pushed)).toBeNull();
    const r = await compareSides(endpointOf(src, "standalone"), endpointOf(dst, "standalone"));
    expect(r.equal, describeDiff(r)).toBe(true);
    expect(r.keys).toBeGreaterThan(39_000);
  });

  it("after the RDB arrived, while the load is still writing: the restart synchronizes again, data equal", async () => {
    const src = await startRedis();
    const dst = await startRedis();
    const c = src.client();
    await fill(c, 150_000);
    const args = ["--task", "kill-load", "--skip-precheck", "--source", src.uri, "--target", dst.uri];
    const first = pool.start(args);
    // once the load has written some keys, the destination stops taking writes: the RDB finishes
    // arriving (spooled), the load cannot finish
    const admin = dst.client();
    await waitFor(async () => (await admin.dbsize()) > 2000, 60_000, "the load to write", 5);
    await admin.call("CLIENT", "PAUSE", "20000", "WRITE");
    await waitFor(() => replicaOnline(src), 30_000, "the source to have sent the whole RDB");
    expect(first.last?.fullSync.done).toBe(false);
    await first.kill();
    await admin.call("CLIENT", "UNPAUSE");
    expect(await dst.client().dbsize()).toBeLessThan(150_000);
    await changeWhileDown(c);
    const second = pool.start(args, first.dataDir);
    await second.waitState("synchronizing", 120_000);
    await waitCaughtUp(second, [src]);
    const r = await compareSides(endpointOf(src, "standalone"), endpointOf(dst, "standalone"));
    expect(r.equal, describeDiff(r)).toBe(true);
  });
});
