import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startRedis, stopAll, type RedisNode } from "../../testing/redis-harness";
import { SyncProcess, syncProcessPool } from "../../testing/sync-process";
import { TcpProxy } from "../../testing/tcp-proxy";
import { ListFeeder, listDefect, storedEvents } from "../../testing/resilience";
import { compareSides, describeDiff, endpointOf, seedData, syncStats, waitCaughtUp } from "../../testing/sync-fixtures";

/**
 * The network between the engine and one side is cut (open connections reset, new ones refused) and
 * restored while writes keep coming: the task recovers by itself, without a full synchronization,
 * and the destination holds every write exactly once.
 */
const pool = syncProcessPool();
const proxies: TcpProxy[] = [];
afterEach(async () => {
  await pool.cleanup();
  for (const p of proxies.splice(0)) await p.close();
});
afterAll(stopAll);

/** the writes of a 3 s cut fit in the backlog: a partial resynchronization is possible (1 MB would not do) */
const BACKLOG = { config: { "repl-backlog-size": "64mb" } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function proxyTo(node: RedisNode): Promise<TcpProxy> {
  const p = await TcpProxy.start(node);
  proxies.push(p);
  return p;
}

/** Writes flow for a while, the link is reset once, then cut for 3 s, then restored; writes never stop. */
async function cutWhileWriting(src: RedisNode, proxy: TcpProxy, sync: SyncProcess): Promise<{ feeder: ListFeeder; pushed: number }> {
  const feeder = new ListFeeder(src.client(), "feed");
  await sleep(800);
  proxy.dropAll();
  await sleep(800);
  await proxy.cut();
  await sleep(3000);
  expect(sync.running).toBe(true);
  await proxy.restore();
  await sleep(800);
  return { feeder, pushed: await feeder.stop() };
}

describe("network cut between the engine and one side", () => {
  it("source side: the replication link comes back with PSYNC and nothing is lost or doubled", async () => {
    const src = await startRedis(BACKLOG);
    const dst = await startRedis();
    await seedData(src.client(), "a:");
    const proxy = await proxyTo(src);
    const sync = pool.start(["--task", "net-src", "--skip-precheck", "--source", proxy.uri(), "--target", dst.uri]);
    await sync.waitState("synchronizing");
    const before = await syncStats(src);
    const { pushed } = await cutWhileWriting(src, proxy, sync);
    await waitCaughtUp(sync, [src], 60_000);
    const after = await syncStats(src);
    expect(after.full, `a full synchronization was needed: ${JSON.stringify(storedEvents(sync.dataDir, "net-src").slice(-20))}`).toBe(before.full);
    expect(after.partialOk).toBeGreaterThanOrEqual(before.partialOk + 2);
    expect(await listDefect(dst.client(), "feed", pushed)).toBeNull();
    const r = await compareSides(endpointOf(src, "standalone"), endpointOf(dst, "standalone"));
    expect(r.equal, describeDiff(r)).toBe(true);
    await sync.stop();
    const warnings = storedEvents(sync.dataDir, "net-src").filter((e) => e.level === "warn");
    expect(warnings.some((e) => /replication stream interrupted/.test(e.message)), JSON.stringify(warnings)).toBe(true);
  });

  it("destination side: writes wait for the destination, then everything lands exactly once", async () => {
    const src = await startRedis(BACKLOG);
    const dst = await startRedis();
    await seedData(src.client(), "a:");
    const proxy = await proxyTo(dst);
    const sync = pool.start(["--task", "net-dst", "--skip-precheck", "--source", src.uri, "--target", proxy.uri()]);
    await sync.waitState("synchronizing");
    const before = await syncStats(src);
    const { pushed } = await cutWhileWriting(src, proxy, sync);
    await waitCaughtUp(sync, [src], 60_000);
    expect((await syncStats(src)).full).toBe(before.full);
    await sync.stop();
    const events = storedEvents(sync.dataDir, "net-dst");
    expect(events.some((e) => e.level === "warn" && /destination refuses writes|destination connection broke/.test(e.message)), JSON.stringify(events)).toBe(true);
    // RPUSHes whose replies were lost with the connection are neither lost nor applied twice
    expect(await listDefect(dst.client(), "feed", pushed), JSON.stringify(events.slice(-15))).toBeNull();
    const r = await compareSides(endpointOf(src, "standalone"), endpointOf(dst, "standalone"));
    expect(r.equal, describeDiff(r)).toBe(true);
  });
});
