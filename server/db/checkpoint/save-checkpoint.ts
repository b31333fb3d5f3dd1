import "server-only";
import { getDb } from "../client";

export interface SaveCheckpointOptions {
  taskId: string;
  /** host:port of the source master (or a stable shard name) */
  sourceNode: string;
  replid: string;
  /** the replication offset the destination has acknowledged */
  offset: bigint;
  /** the database selected at that offset */
  db?: number;
  phase: "full" | "incremental";
  /** JSON of what a resume after a pause at refused writes must skip and apply (null: nothing) */
  resume?: string | null;
  /** the send horizon: left as stored when undefined, cleared by null (a new full synchronization) */
  horizon?: bigint | null;
}

/** Records where a source shard's stream stands; one row per task and node. */
export async function saveCheckpoint({ taskId, sourceNode, replid, offset, db = 0, phase, resume = null, horizon }: SaveCheckpointOptions) {
  return getDb().checkpoint.upsert({
    where: { taskId_sourceNode: { taskId, sourceNode } },
    create: { taskId, sourceNode, replid, offset, db, phase, resume, horizon: horizon ?? null },
    update: { replid, offset, db, phase, resume, ...(horizon !== undefined && { horizon }) },
  });
}
