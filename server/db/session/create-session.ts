import "server-only";
import { getDb } from "../client";

export interface CreateSessionOptions {
  operatorId: string;
  /** SHA-256 of the cookie token (server/auth/session-token.ts); the token itself is never stored */
  tokenHash: string;
  expiresAt: Date;
  userAgent?: string;
  /** the sign-in time: the idle timeout counts from it */
  now?: Date;
}

export async function createSession({ operatorId, tokenHash, expiresAt, userAgent, now = new Date() }: CreateSessionOptions) {
  const db = getDb();
  const [session] = await db.$transaction([
    db.session.create({ data: { operatorId, tokenHash, expiresAt, lastSeenAt: now, userAgent: (userAgent ?? "").slice(0, 300) } }),
    db.operator.update({ where: { id: operatorId }, data: { lastSignInAt: new Date() }, select: { id: true } }),
  ]);
  return session;
}
