import "server-only";
import { getDb } from "../client";

export interface ClearSignInFailuresOptions {
  username: string;
  address: string;
  /** also forget every attempt older than this (keeps the table small) */
  olderThan: Date;
}

/**
 * After a successful sign-in the backoff starts over for that account from that address only:
 * failures from other addresses (someone else guessing) keep slowing those addresses.
 */
export async function clearSignInFailures({ username, address, olderThan }: ClearSignInFailuresOptions): Promise<void> {
  await getDb().signInAttempt.deleteMany({
    where: { OR: [{ succeeded: false, username, address }, { time: { lt: olderThan } }] },
  });
}
