import "server-only";
import { getDb } from "../client";

/** Gives a shard back (after its final checkpoint): free at once for another worker. Only the holder can. */
export async function releaseShardLease({ id, workerId }: { id: string; workerId: string }): Promise<boolean> {
  const r = await getDb().shardLease.updateMany({
    where: { id, workerId },
    data: { workerId: null, worker: null, since: null, expiresAt: null, status: "{}", statusAt: null },
  });
  return r.count > 0;
}
