import "server-only";
import { getDb } from "../client";

export interface SaveCheckpointHorizonOptions {
  taskId: string;
  sourceNode: string;
  /** nothing at or past this replication offset was handed to the destination */
  horizon: bigint;
}

/**
 * Raises a shard's send horizon (engine/sync/send-horizon.ts) without touching the rest of its
 * checkpoint, which moves on its own schedule. Never lowers it.
 */
export async function saveCheckpointHorizon({ taskId, sourceNode, horizon }: SaveCheckpointHorizonOptions): Promise<void> {
  await getDb().checkpoint.updateMany({
    where: { taskId, sourceNode, OR: [{ horizon: null }, { horizon: { lt: horizon } }] },
    data: { horizon },
  });
}
