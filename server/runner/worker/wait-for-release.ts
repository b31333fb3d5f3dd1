import "server-only";
import { findShardLeases } from "../../db/shard-lease/find-shard-leases";

/**
 * After a task was paused or stopped: waits until no worker runs any of its shards (each stops after
 * a final checkpoint at its next lease renewal, within a second or two). False when `timeoutMs`
 * passed first or the signal aborted.
 */
export async function waitForWorkersToRelease(taskId: string, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!signal?.aborted && Date.now() < deadline) {
    if ((await findShardLeases({ taskId })).every((r) => !r.worker || r.expired)) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}
