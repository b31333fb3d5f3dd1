import "server-only";
import type { ShardCheckpoint } from "../engine/sync/shard-types";
import type { SyncStore } from "../engine/sync/sync-task";
import { getCheckpoints } from "../db/checkpoint/get-checkpoints";
import { saveCheckpoint } from "../db/checkpoint/save-checkpoint";
import { addTaskEvent } from "../db/task-event/add-task-event";

/**
 * The engine's persistence through the console's database. Events are written in order through one
 * queue so a burst of warnings never opens a burst of database writes, and a database hiccup never
 * stops the synchronization (it is printed to stderr instead).
 */
export function dbSyncStore(taskId: string, echo?: (level: string, message: string) => void): SyncStore & { flush(): Promise<void> } {
  let chain: Promise<unknown> = Promise.resolve();
  let queued = 0;
  let dropped = 0;
  const enqueue = (fn: () => Promise<unknown>) => {
    if (queued > 1000) {
      dropped++;
      return;
    }
    queued++;
    chain = chain.then(fn).catch((err) => process.stderr.write(`redis-dts: event not stored: ${(err as Error).message}\n`)).finally(() => queued--);
  };
  return {
    async loadCheckpoints(): Promise<ShardCheckpoint[]> {
      const rows = await getCheckpoints({ taskId });
      return rows.map((r) => ({
        sourceNode: r.sourceNode,
        replid: r.replid,
        offset: Number(r.offset),
        db: r.db,
        phase: r.phase === "incremental" ? "incremental" : "full",
      }));
    },
    async saveCheckpoint(cp: ShardCheckpoint): Promise<void> {
      await saveCheckpoint({ taskId, sourceNode: cp.sourceNode, replid: cp.replid, offset: BigInt(cp.offset), db: cp.db, phase: cp.phase });
    },
    log(level, message) {
      echo?.(level, message);
      if (dropped > 0) {
        const n = dropped;
        dropped = 0;
        enqueue(() => addTaskEvent({ taskId, level: "warn", message: `${n} events were dropped while the database was slow` }));
      }
      enqueue(() => addTaskEvent({ taskId, level, message }));
    },
    async flush() {
      await chain;
    },
  };
}
