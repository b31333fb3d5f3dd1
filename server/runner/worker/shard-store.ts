import "server-only";
import type { SyncStore } from "../../engine/sync/sync-task";
import { DtsError } from "../../errors";
import { dbSyncStore } from "../db-sync-store";
import { saveCheckpointUnderLease } from "../../db/shard-lease/save-checkpoint-under-lease";
import { encodeResume } from "../../engine/apply/refusal-redo";

/**
 * The database-backed store of one shard run by a worker: the task's store, except that a checkpoint
 * is saved only while the worker holds the shard's lease (checked in the same transaction). A refused
 * save means another worker may own the shard now: `onLeaseLost` stops this one writing at once.
 */
export function shardSyncStore(o: { taskId: string; lease: { id: string; workerId: string }; echo?: (level: string, message: string) => void; onLeaseLost(reason: string): void }): SyncStore & { flush(): Promise<void> } {
  const base = dbSyncStore(o.taskId, o.echo);
  return {
    ...base,
    async saveCheckpoint(cp) {
      try {
        await saveCheckpointUnderLease(o.lease, {
          taskId: o.taskId,
          sourceNode: cp.sourceNode,
          replid: cp.replid,
          offset: BigInt(cp.offset),
          db: cp.db,
          phase: cp.phase,
          resume: encodeResume(cp.resume),
          ...(cp.phase === "full" && { horizon: null }),
        });
      } catch (err) {
        if (err instanceof DtsError && err.code === "LEASE_LOST") o.onLeaseLost(err.message);
        throw err;
      }
    },
  };
}
