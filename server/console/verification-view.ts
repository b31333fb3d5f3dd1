import "server-only";
import { z } from "zod";
import { parseJsonField } from "@/server/db/json";
import { findVerificationRuns } from "@/server/db/verification/find-verification-runs";
import { updateVerificationRun } from "@/server/db/verification/update-verification-run";
import { isVerificationRunning, VERIFICATION_STALE_MS } from "@/server/runner/verify-host";
import type { CompareProgress, CompareSample, RecordedResult } from "@/server/engine/compare";
import type { VerificationRunView } from "@/contracts/verification-view.types";

const ZSummary = z
  .object({
    rounds: z.number().optional(),
    heartbeatAt: z.string().optional(),
    progress: z.any().optional(),
    keys: z.number().optional(),
    missing: z.number().optional(),
    extra: z.number().optional(),
    different: z.number().optional(),
    byKind: z.record(z.string(), z.number()).optional(),
    durationMs: z.number().optional(),
    samplesTruncated: z.boolean().optional(),
    recorded: z
      .object({ checked: z.number(), stillDifferent: z.number(), nowEqual: z.number(), notCompared: z.number().default(0), samples: z.array(z.any()).default([]) })
      .optional(),
  })
  .passthrough();

const ZSamples = z.array(z.object({ db: z.number(), targetDb: z.number(), key: z.string(), keyBase64: z.string(), kind: z.string(), detail: z.string() }).passthrough());

type Row = Awaited<ReturnType<typeof findVerificationRuns>>[number];

export function parseDifferences(row: Row): CompareSample[] {
  return parseJsonField(row.differences, ZSamples, []) as CompareSample[];
}

/** The task's verification runs, newest first; a run whose process died is closed as failed here. */
export async function verificationRunsView(taskId: string, sampleLimit = 100): Promise<VerificationRunView[]> {
  const rows = await findVerificationRuns({ taskId, take: 20 });
  const out: VerificationRunView[] = [];
  for (let row of rows) {
    const summary = parseJsonField(row.summary, ZSummary, {});
    if (row.status === "running" && !isVerificationRunning(row.id)) {
      const beat = Date.parse(summary.heartbeatAt ?? "") || row.startedAt.getTime();
      if (Date.now() - beat > VERIFICATION_STALE_MS) {
        row = await updateVerificationRun({ id: row.id, status: "failed", error: "Interrupted: its process stopped reporting (the console restarted or the process was killed).", finished: true });
      }
    }
    const differences = parseDifferences(row);
    const done = summary.keys !== undefined;
    out.push({
      id: row.id,
      status: (["running", "equal", "different", "failed"].includes(row.status) ? row.status : "failed") as VerificationRunView["status"],
      mode: row.mode,
      rounds: summary.rounds ?? 3,
      startedAt: row.startedAt.toISOString(),
      finishedAt: row.finishedAt?.toISOString() ?? null,
      error: row.error,
      progress: (summary.progress as CompareProgress | undefined) ?? null,
      result: done
        ? {
            keys: summary.keys ?? 0,
            missing: summary.missing ?? 0,
            extra: summary.extra ?? 0,
            different: summary.different ?? 0,
            byKind: summary.byKind ?? {},
            durationMs: summary.durationMs ?? 0,
            samplesTruncated: summary.samplesTruncated ?? false,
          }
        : null,
      recorded: done && summary.recorded ? { ...summary.recorded, samples: ZSamples.catch([]).parse(summary.recorded.samples) as CompareSample[] } : null,
      differenceCount: differences.length,
      differences: differences.slice(0, sampleLimit),
    });
  }
  return out;
}
