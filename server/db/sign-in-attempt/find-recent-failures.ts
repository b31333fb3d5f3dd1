import "server-only";
import { getDb } from "../client";

/** failed sign-ins counted for the throttle (server/auth/throttle.ts) */
export interface RecentFailureCounts {
  /** for this account from this address */
  pair: number;
  /** from this address, any account */
  address: number;
  /** for this account, any address */
  account: number;
  lastFailureAt: Date | null;
}

export interface FindRecentFailuresOptions {
  username: string;
  address: string;
  since: Date;
  /** the caller's own attempt, recorded before this count */
  excludeId?: string;
}

/** Failed (and still pending) attempts since `since`, for the backoff (server/auth/throttle.ts). */
export async function findRecentFailures({ username, address, since, excludeId }: FindRecentFailuresOptions): Promise<RecentFailureCounts> {
  const db = getDb();
  const base = { succeeded: false, time: { gte: since }, ...(excludeId && { id: { not: excludeId } }) };
  const [pair, fromAddress, account] = await Promise.all([
    db.signInAttempt.count({ where: { ...base, username, address } }),
    db.signInAttempt.count({ where: { ...base, address } }),
    db.signInAttempt.count({ where: { ...base, username } }),
  ]);
  // The account's failures from elsewhere slow this address only once it failed for the account too.
  const last = await db.signInAttempt.findFirst({
    where: { ...base, OR: pair > 0 ? [{ username }, { address }] : [{ address }] },
    orderBy: { time: "desc" },
    select: { time: true },
  });
  return { pair, address: fromAddress, account, lastFailureAt: last?.time ?? null };
}
