import "server-only";
import { getDb } from "../client";

export interface FindRecentFailuresOptions {
  username: string;
  address: string;
  since: Date;
}

export interface RecentFailures {
  /** failed attempts for this account (from any address) since `since` */
  account: number;
  /** failed attempts from this address (for any account) since `since` */
  address: number;
  /** the latest of those failures */
  lastFailureAt: Date | null;
}

export async function findRecentFailures({ username, address, since }: FindRecentFailuresOptions): Promise<RecentFailures> {
  const db = getDb();
  const byAccount = { username, succeeded: false, time: { gte: since } };
  const byAddress = { address, succeeded: false, time: { gte: since } };
  const [account, fromAddress, last] = await Promise.all([
    db.signInAttempt.count({ where: byAccount }),
    db.signInAttempt.count({ where: byAddress }),
    db.signInAttempt.findFirst({ where: { OR: [byAccount, byAddress] }, orderBy: { time: "desc" }, select: { time: true } }),
  ]);
  return { account, address: fromAddress, lastFailureAt: last?.time ?? null };
}
