import "server-only";
import { getDb } from "../client";

export interface SetOperatorPasswordOptions {
  username: string;
  passwordHash: string;
  /** this session stays signed in (the operator changed their own password in it) */
  keepSessionId?: string;
}

/** Replaces the password and ends every session of the operator (but keepSessionId). Returns false when unknown. */
export async function setOperatorPassword({ username, passwordHash, keepSessionId }: SetOperatorPasswordOptions): Promise<boolean> {
  const db = getDb();
  return db.$transaction(async (tx) => {
    const updated = await tx.operator.updateMany({ where: { username }, data: { passwordHash } });
    if (updated.count === 0) return false;
    await tx.session.deleteMany({ where: { operator: { username }, ...(keepSessionId && { id: { not: keepSessionId } }) } });
    return true;
  });
}
