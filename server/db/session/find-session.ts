import "server-only";
import { getDb } from "../client";

export interface FindSessionOptions {
  tokenHash: string;
  now?: Date;
}

/** The live session for a token hash with its operator, or null when unknown or expired. */
export async function findSession({ tokenHash, now = new Date() }: FindSessionOptions) {
  return getDb().session.findFirst({
    where: { tokenHash, expiresAt: { gt: now } },
    select: { id: true, expiresAt: true, operator: { select: { id: true, username: true } } },
  });
}
