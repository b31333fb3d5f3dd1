import "server-only";
import { getDb } from "../client";

export interface CreateSessionOptions {
  operatorId: string;
  /** SHA-256 of the cookie token (server/auth/session-token.ts); the token itself is never stored */
  tokenHash: string;
  expiresAt: Date;
  userAgent?: string;
}

export async function createSession({ operatorId, tokenHash, expiresAt, userAgent }: CreateSessionOptions) {
  const db = getDb();
  const [session] = await db.$transaction([
    db.session.create({ data: { operatorId, tokenHash, expiresAt, userAgent: (userAgent ?? "").slice(0, 300) } }),
    db.operator.update({ where: { id: operatorId }, data: { lastSignInAt: new Date() }, select: { id: true } }),
  ]);
  return session;
}
