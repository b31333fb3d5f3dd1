import "server-only";
import { getDb } from "../client";

export async function deleteExpiredSessions({ now = new Date() }: { now?: Date } = {}): Promise<number> {
  const result = await getDb().session.deleteMany({ where: { expiresAt: { lte: now } } });
  return result.count;
}
