import "server-only";
import { getDb } from "../client";

export interface AddSignInAttemptOptions {
  username: string;
  address: string;
  /** false also for an attempt still being checked: it counts as a failure until it succeeds */
  succeeded: boolean;
  time?: Date;
}

/** Records an attempt; returns its id (to mark it succeeded, or remove a refused one). */
export async function addSignInAttempt({ username, address, succeeded, time }: AddSignInAttemptOptions): Promise<string> {
  const row = await getDb().signInAttempt.create({
    data: { username: username.slice(0, 200), address: address.slice(0, 100), succeeded, ...(time && { time }) },
    select: { id: true },
  });
  return row.id;
}
