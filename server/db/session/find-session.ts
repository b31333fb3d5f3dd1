import "server-only";
import { getDb } from "../client";
import { idleTimeoutMs, TOUCH_INTERVAL_MS } from "./idle-timeout";

export interface FindSessionOptions {
  tokenHash: string;
  now?: Date;
}

/**
 * The live session for a token hash with its operator, or null when unknown, expired, or idle for
 * longer than the idle timeout. Using a session keeps it alive (lastSeenAt, written at most once a
 * minute).
 */
export async function findSession({ tokenHash, now = new Date() }: FindSessionOptions) {
  const db = getDb();
  const session = await db.session.findFirst({
    where: { tokenHash, expiresAt: { gt: now }, lastSeenAt: { gt: new Date(now.getTime() - idleTimeoutMs()) } },
    select: { id: true, expiresAt: true, lastSeenAt: true, operator: { select: { id: true, username: true, role: true } } },
  });
  if (!session) return null;
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.session.updateMany({ where: { id: session.id }, data: { lastSeenAt: now } });
  }
  return session;
}
