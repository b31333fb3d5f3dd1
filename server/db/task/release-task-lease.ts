import "server-only";
import { getDb } from "../client";

export interface ReleaseTaskLeaseOptions {
  id: string;
  owner: string;
}

/** Gives the lease back (clean shutdown), if we hold it. */
export async function releaseTaskLease({ id, owner }: ReleaseTaskLeaseOptions): Promise<void> {
  await getDb().task.updateMany({ where: { id, leaseOwner: owner }, data: { leaseOwner: null, leaseExpiresAt: null } });
}
