import "server-only";
import { getDb } from "../client";

export interface CreateOperatorOptions {
  username: string;
  /** already hashed (server/auth/password.ts) */
  passwordHash: string;
}

/** Returns the operator without its hash. Throws Prisma's P2002 when the username is taken. */
export async function createOperator({ username, passwordHash }: CreateOperatorOptions) {
  return getDb().operator.create({ data: { username, passwordHash } });
}
