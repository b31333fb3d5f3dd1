import "server-only";
import { getDb } from "../client";

export async function countOperators(): Promise<number> {
  return getDb().operator.count();
}
