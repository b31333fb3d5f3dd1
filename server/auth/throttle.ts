/**
 * Backoff for failed sign-ins, per account and per address: the first few mistakes cost nothing, then
 * each failure doubles the wait before the next attempt is even checked (capped).
 */
export const FAILURE_WINDOW_MS = 15 * 60 * 1000;
const FREE_FAILURES = 3;
const BASE_DELAY_MS = 2000;
const MAX_DELAY_MS = 5 * 60 * 1000;
/** An address may be shared (NAT, proxy): it gets more slack than one account. */
const ADDRESS_FACTOR = 3;

export function backoffMs(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (failures - FREE_FAILURES));
}

/** How long the caller must still wait (0 = may try now). */
export function retryAfterMs(failures: { account: number; address: number; lastFailureAt: Date | null }, now: Date): number {
  if (!failures.lastFailureAt) return 0;
  const wait = Math.max(backoffMs(failures.account), backoffMs(Math.floor(failures.address / ADDRESS_FACTOR)));
  return Math.max(0, failures.lastFailureAt.getTime() + wait - now.getTime());
}
