import { info, waitFor, type RedisNode } from "../redis-harness";
import type { SyncProcess } from "../sync-process";
import { masterOffsets } from "../sync-fixtures";

/**
 * Waiting on a `redis-dts sync --json` process, failing at once (with the task's error) when the task
 * failed or its process ended instead of running into a timeout.
 */

export function assertAlive(sync: SyncProcess): void {
  const last = sync.last;
  if (last?.state === "failed" || !sync.running) throw new Error(`the task ${last?.state === "failed" ? "failed" : "process exited"}: ${last?.error ?? sync.stderr.slice(-500)}`);
}

/** Until the task synchronizes incrementally (its full sync, if any, is done). */
export async function synchronizing(sync: SyncProcess, timeoutMs = 180_000): Promise<void> {
  await waitFor(() => {
    assertAlive(sync);
    return sync.last?.state === "synchronizing";
  }, timeoutMs, "the task to synchronize incrementally");
}

/** Until the destination reflects everything the source masters had written when this was called. */
export async function caughtUp(sync: SyncProcess, masters: RedisNode[], timeoutMs = 180_000): Promise<void> {
  const offsets = await masterOffsets(masters);
  await waitFor(() => {
    assertAlive(sync);
    const shards = sync.last?.shards ?? [];
    return offsets.every((o) => shards.some((s) => (s.appliedOffset ?? -1) >= o));
  }, timeoutMs, `the destination to catch up with offsets ${offsets.join(",")}`);
}

/** Until every source master shows its replica past the RDB snapshot (the fork happened). */
export async function waitForked(masters: RedisNode[], sync: SyncProcess): Promise<void> {
  await waitFor(async () => {
    assertAlive(sync);
    const texts = await Promise.all(masters.map((m) => info(m, "replication")));
    return texts.every((t) => /slave\d+:.*state=(send_bulk|online)/.test(t));
  }, 120_000, "the engine's full sync to start on every source master", 10);
}
