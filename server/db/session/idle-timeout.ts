/**
 * Sessions end after this much inactivity, besides their absolute lifetime (SESSION_TTL_MS).
 * REDIS_DTS_IDLE_TIMEOUT_MINUTES overrides the 30-minute default.
 */
export function idleTimeoutMs(env: Record<string, string | undefined> = process.env): number {
  const minutes = Number(env.REDIS_DTS_IDLE_TIMEOUT_MINUTES ?? "30");
  return (Number.isFinite(minutes) && minutes > 0 ? minutes : 30) * 60 * 1000;
}

/** lastSeenAt is written at most this often, not on every request. */
export const TOUCH_INTERVAL_MS = 60 * 1000;
