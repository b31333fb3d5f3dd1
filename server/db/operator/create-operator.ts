import "server-only";
import { getDb } from "../client";

export interface CreateOperatorOptions {
  username: string;
  /** already hashed (server/auth/password.ts) */
  passwordHash: string;
  role: "admin" | "operator" | "viewer";
}

/** Returns the operator without its hash. Throws Prisma's P2002 when the username is taken. */
export async function createOperator({ username, passwordHash, role }: CreateOperatorOptions) {
  return getDb().operator.create({ data: { username, passwordHash, role } });
}
