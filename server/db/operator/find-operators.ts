import "server-only";
import { getDb } from "../client";

/** Every operator for the Operators page (no password hashes), oldest first. */
export async function findOperators() {
  return getDb().operator.findMany({
    orderBy: { createdAt: "asc" },
    select: { id: true, username: true, role: true, createdAt: true, lastSignInAt: true },
  });
}
