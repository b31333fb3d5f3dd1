import "server-only";
import { getDb } from "../client";

export interface ClaimTaskLeaseOptions {
  id: string;
  /** a stable id of the claiming process, e.g. `${hostname}:${pid}:${startTime}` */
  owner: string;
  ttlMs: number;
}

/**
 * Takes or renews the right to run a task. Two console processes on one database must not both run
 * it: the claim succeeds only when the lease is free, expired, or already ours.
 */
export async function claimTaskLease({ id, owner, ttlMs }: ClaimTaskLeaseOptions): Promise<boolean> {
  const now = new Date();
  const result = await getDb().task.updateMany({
    where: { id, OR: [{ leaseOwner: null }, { leaseOwner: owner }, { leaseExpiresAt: { lt: now } }] },
    data: { leaseOwner: owner, leaseExpiresAt: new Date(now.getTime() + ttlMs) },
  });
  return result.count > 0;
}

