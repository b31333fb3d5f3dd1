import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startRedis, stopAll, waitFor, type RedisNode } from "../../testing/redis-harness";
import { parseRedisUri } from "../endpoint";
import { SyncTask, type SyncSnapshot, type SyncStore } from "./sync-task";
import type { ShardCheckpoint } from "./shard-types";

/**
 * The task tells its runner the moment a shard's full synchronization is over, so the state change
 * (initializing → synchronizing) is reported then, not at the next status tick.
 */
afterAll(stopAll);

function memoryStore(): SyncStore & { checkpoints: ShardCheckpoint[] } {
  const checkpoints: ShardCheckpoint[] = [];
  return {
    checkpoints,
    loadCheckpoints: async () => checkpoints.map((c) => ({ ...c })),
    saveCheckpoint: async (cp) => {
      const i = checkpoints.findIndex((c) => c.sourceNode === cp.sourceNode);
      if (i >= 0) checkpoints[i] = { ...cp };
      else checkpoints.push({ ...cp });
    },
    log: () => {},
  };
}

/** Runs a task until its change listener has been called once; returns what the listener saw. */
async function runUntilChange(src: RedisNode, dst: RedisNode, store: SyncStore, spoolDir: string): Promise<{ seen: SyncSnapshot; keysOnDestination: number }> {
  const cfg = { taskId: "state-test", source: parseRedisUri(src.uri, "standalone"), target: parseRedisUri(dst.uri, "standalone"), dbMap: new Map<number, number>(), conflict: "ignore" as const, initialSync: "full_and_incremental" as const, spoolDir };
  let seen: SyncSnapshot | null = null;
  let keysAtChange: Promise<number> | null = null;
  const task = new SyncTask(cfg, store, () => {
    if (seen) return;
    seen = task.snapshot();
    keysAtChange = dst.client().dbsize();
  });
  const running = task.run();
  try {
    await waitFor(() => seen !== null, 30_000, "the task's change listener");
  } finally {
    task.stop();
    await running;
  }
  return { seen: seen!, keysOnDestination: await keysAtChange! };
}

describe("SyncTask change listener", () => {
  it("is called when the full sync is over, with the state already synchronizing, and again on a resume without one", async () => {
    const src = await startRedis();
    const dst = await startRedis();
    const c = src.client();
    const p = c.pipeline();
    for (let i = 0; i < 5000; i++) p.set(`k:${i}`, `v${i}`);
    await p.exec();
    const spool = mkdtempSync(path.join(os.tmpdir(), "redis-dts-state-"));
    try {
      const store = memoryStore();
      const first = await runUntilChange(src, dst, store, spool);
      expect(first.seen.state).toBe("synchronizing");
      expect(first.seen.fullSync.done).toBe(true);
      expect(first.keysOnDestination).toBeGreaterThanOrEqual(5000);
      await waitFor(() => store.checkpoints.length > 0, 10_000, "a checkpoint");

      // the second run continues from the checkpoint (PSYNC, no RDB): the listener still fires
      await c.set("after", "1");
      const second = await runUntilChange(src, dst, store, spool);
      expect(second.seen.state).toBe("synchronizing");
      expect(second.seen.fullSync.keys).toBe(0);
    } finally {
      rmSync(spool, { recursive: true, force: true });
    }
  });
});
