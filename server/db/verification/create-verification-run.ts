import "server-only";
import { getDb } from "../client";

export interface CreateVerificationRunOptions {
  taskId: string;
  mode: "full" | "quick";
}

export async function createVerificationRun({ taskId, mode }: CreateVerificationRunOptions) {
  return getDb().verificationRun.create({ data: { taskId, mode } });
}
