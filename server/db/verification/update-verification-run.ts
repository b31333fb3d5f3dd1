import "server-only";
import { getDb } from "../client";
import { toJsonField } from "../json";

export interface UpdateVerificationRunOptions {
  id: string;
  status?: "running" | "equal" | "different" | "failed";
  summary?: Record<string, unknown>;
  /** a bounded sample of the differing keys */
  differences?: unknown[];
  error?: string | null;
  finished?: boolean;
}

export async function updateVerificationRun({ id, status, summary, differences, error, finished }: UpdateVerificationRunOptions) {
  return getDb().verificationRun.update({
    where: { id },
    data: {
      ...(status && { status }),
      ...(summary && { summary: toJsonField(summary) }),
      ...(differences && { differences: toJsonField(differences) }),
      ...(error !== undefined && { error }),
      ...(finished && { finishedAt: new Date() }),
    },
  });
}
