import "server-only";
import { getDb } from "../client";

export interface FindVerificationRunsOptions {
  taskId: string;
  take?: number;
}

/** A task's verification runs, newest first. */
export async function findVerificationRuns({ taskId, take = 50 }: FindVerificationRunsOptions) {
  return getDb().verificationRun.findMany({ where: { taskId }, orderBy: [{ startedAt: "desc" }, { id: "desc" }], take });
}
