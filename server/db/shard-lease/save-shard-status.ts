import "server-only";
import { getDb } from "../client";
import type { TShardLiveStatus } from "../../../contracts/worker.types";

/** Stores the live status of a shard the worker holds (ignored once it no longer does). */
export async function saveShardStatus({ id, workerId, source, status }: { id: string; workerId: string; source: string; status: TShardLiveStatus }): Promise<void> {
  await getDb().shardLease.updateMany({
    where: { id, workerId },
    data: { status: JSON.stringify(status), statusAt: new Date(), ...(source && { source }) },
  });
}
