import "server-only";
import { getDb } from "../client";

export interface FinishSignInAttemptOptions {
  id: string;
  /** succeeded: the attempt stops counting as a failure; throttled: it was never checked and is forgotten */
  outcome: "succeeded" | "throttled";
}

export async function finishSignInAttempt({ id, outcome }: FinishSignInAttemptOptions): Promise<void> {
  if (outcome === "throttled") await getDb().signInAttempt.deleteMany({ where: { id } });
  else await getDb().signInAttempt.updateMany({ where: { id }, data: { succeeded: true } });
}
