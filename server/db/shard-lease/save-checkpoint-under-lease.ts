import "server-only";
import { getDb } from "../client";
import { DtsError } from "../../errors";
import { DB_NOW } from "./sql-time";
import type { SaveCheckpointOptions } from "../checkpoint/save-checkpoint";

/**
 * Saves a shard's checkpoint only while the worker holds the shard's lease: the lease row is locked
 * in the same transaction, so a worker that lost the shard (its lease ran out and another claimed
 * it, which needs the same row lock) can never overwrite the new holder's checkpoint.
 * Throws LEASE_LOST otherwise.
 */
export async function saveCheckpointUnderLease(lease: { id: string; workerId: string }, cp: SaveCheckpointOptions): Promise<void> {
  await getDb().$transaction(async (tx) => {
    const held = await tx.$queryRaw<Array<{ id: string }>>`SELECT "id" FROM "ShardLease" WHERE "id" = ${lease.id} AND "workerId" = ${lease.workerId} AND "expiresAt" > ${DB_NOW} FOR UPDATE`;
    if (held.length === 0) throw new DtsError("LEASE_LOST", "this worker no longer holds the shard's lease; its checkpoint was not saved");
    const { taskId, sourceNode, replid, offset, db = 0, phase, resume = null, horizon } = cp;
    await tx.checkpoint.upsert({
      where: { taskId_sourceNode: { taskId, sourceNode } },
      create: { taskId, sourceNode, replid, offset, db, phase, resume, horizon: horizon ?? null },
      update: { replid, offset, db, phase, resume, ...(horizon !== undefined && { horizon }) },
    });
  });
}
