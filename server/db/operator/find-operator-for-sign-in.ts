import "server-only";
import { getDb } from "../client";

export interface FindOperatorForSignInOptions {
  username: string;
}

/** The one query that reads a password hash: only the sign-in check may call it. */
export async function findOperatorForSignIn({ username }: FindOperatorForSignInOptions) {
  return getDb().operator.findUnique({
    where: { username },
    select: { id: true, username: true, passwordHash: true },
  });
}
