import "server-only";
import { getDb } from "../client";

export interface TakeOverTaskLeaseOptions {
  id: string;
  /** the lease holder we know to be dead */
  from: string;
  owner: string;
  ttlMs: number;
}

/** Replaces a lease whose holder is known to be gone (compare-and-set on the old holder). */
export async function takeOverTaskLease({ id, from, owner, ttlMs }: TakeOverTaskLeaseOptions): Promise<boolean> {
  const result = await getDb().task.updateMany({
    where: { id, leaseOwner: from },
    data: { leaseOwner: owner, leaseExpiresAt: new Date(Date.now() + ttlMs) },
  });
  return result.count > 0;
}
