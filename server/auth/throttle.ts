/**
 * Backoff for failed sign-ins: the first few mistakes cost nothing, then each failure doubles the wait
 * before the next attempt is even checked (capped). Counted per address and per (account, address);
 * a flood for one account from many addresses slows every address that failed for it, never an
 * address that did not, so the right password still works from a clean address.
 */
export const FAILURE_WINDOW_MS = 15 * 60 * 1000;
const FREE_FAILURES = 3;
const BASE_DELAY_MS = 2000;
const MAX_DELAY_MS = 5 * 60 * 1000;
/** An address may be shared (NAT, proxy): it gets more slack than one account. */
const ADDRESS_FACTOR = 3;
/** Failures for one account from every address, before they slow each address that took part. */
const ACCOUNT_FACTOR = 3;

export function backoffMs(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (failures - FREE_FAILURES));
}

export type { RecentFailureCounts } from "../db/sign-in-attempt/find-recent-failures";
import type { RecentFailureCounts } from "../db/sign-in-attempt/find-recent-failures";

/** How long the caller must still wait (0 = may try now). */
export function retryAfterMs(failures: RecentFailureCounts, now: Date): number {
  if (!failures.lastFailureAt) return 0;
  const wait = Math.max(
    backoffMs(failures.pair),
    backoffMs(Math.floor(failures.address / ADDRESS_FACTOR)),
    failures.pair > 0 ? backoffMs(Math.floor(failures.account / ACCOUNT_FACTOR)) : 0,
  );
  return Math.max(0, failures.lastFailureAt.getTime() + wait - now.getTime());
}
