import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { startRedis, stopAll, waitFor, type RedisNode } from "../../testing/redis-harness";
import { freePort } from "../../testing/free-port";
import { syncProcessPool } from "../../testing/sync-process";
import { ListFeeder, listDefect, storedEvents } from "../../testing/resilience";
import { compareSides, describeDiff, endpointOf, seedData, waitCaughtUp } from "../../testing/sync-fixtures";

/**
 * A destination that refuses writes for a while (-OOM: out of memory; -READONLY: turned into a
 * replica) while the source keeps writing: the task waits and retries, says so in its status and
 * events, resumes by itself when the destination accepts again, and loses nothing.
 */
const pool = syncProcessPool();
afterEach(pool.cleanup);
afterAll(stopAll);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function refuseWhileWriting(
  name: string,
  refuse: (dst: Redis) => Promise<unknown>,
  accept: (dst: Redis) => Promise<unknown>,
  expected: RegExp,
): Promise<void> {
  const src = await startRedis({ config: { "repl-backlog-size": "64mb" } });
  const dst = await startRedis();
  await seedData(src.client(), "a:");
  const sync = pool.start(["--task", name, "--skip-precheck", "--source", src.uri, "--target", dst.uri]);
  await sync.waitState("synchronizing");
  const admin = dst.client();
  const feeder = new ListFeeder(src.client(), "feed", { pauseMs: 1 });
  await sleep(500);
  await refuse(admin);
  // the refusal shows in the status while it lasts
  await waitFor(() => (sync.last?.warnings ?? []).some((w) => expected.test(w)), 20_000, `a status warning matching ${expected}: ${JSON.stringify(sync.last)}`);
  const refusedAt = await admin.llen("feed");
  await sleep(2500);
  // nothing of the refused writes landed, and the engine is still there
  expect(await admin.llen("feed")).toBe(refusedAt);
  expect(sync.running).toBe(true);
  expect(sync.last?.state).toBe("synchronizing");
  await accept(admin);
  await sleep(500);
  const pushed = await feeder.stop();
  await waitCaughtUp(sync, [src], 60_000);
  expect(sync.last?.warnings ?? []).toEqual([]);
  expect(await listDefect(dst.client(), "feed", pushed)).toBeNull();
  await compareEqual(src, dst);
  await sync.stop();
  const warnings = storedEvents(sync.dataDir, name).filter((e) => e.level === "warn" && expected.test(e.message));
  expect(warnings.length, JSON.stringify(storedEvents(sync.dataDir, name))).toBeGreaterThan(0);
}

async function compareEqual(src: RedisNode, dst: RedisNode): Promise<void> {
  const r = await compareSides(endpointOf(src, "standalone"), endpointOf(dst, "standalone"));
  expect(r.equal, describeDiff(r)).toBe(true);
}

describe("a destination that refuses writes for a while", () => {
  it("-OOM (maxmemory far below the data, then raised): waits, retries, loses nothing", async () => {
    await refuseWhileWriting(
      "oom",
      (d) => d.config("SET", "maxmemory", "1"),
      (d) => d.config("SET", "maxmemory", "0"),
      /OOM/,
    );
  });

  it("-READONLY (the destination turned into a replica, then promoted again): waits, retries, loses nothing", async () => {
    // a master that does not exist: the destination keeps its data and refuses writes
    const nowhere = await freePort();
    await refuseWhileWriting(
      "readonly",
      (d) => d.call("REPLICAOF", "127.0.0.1", String(nowhere)),
      (d) => d.call("REPLICAOF", "NO", "ONE"),
      /READONLY/,
    );
  });
});
