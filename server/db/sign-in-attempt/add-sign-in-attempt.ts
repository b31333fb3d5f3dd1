import "server-only";
import { getDb } from "../client";

export interface AddSignInAttemptOptions {
  username: string;
  address: string;
  succeeded: boolean;
  time?: Date;
}

export async function addSignInAttempt({ username, address, succeeded, time }: AddSignInAttemptOptions): Promise<void> {
  await getDb().signInAttempt.create({
    data: { username: username.slice(0, 200), address: address.slice(0, 100), succeeded, ...(time && { time }) },
    select: { id: true },
  });
}
