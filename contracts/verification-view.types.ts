/** One Data Verification run as the status page lists it (GET /api/tasks/[id]/verifications). */
import type { CompareProgress, CompareSample, RecordedResult } from "@/server/engine/compare";

export interface VerificationRunView {
  id: string;
  status: "running" | "equal" | "different" | "failed";
  mode: string;
  rounds: number;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  progress: CompareProgress | null;
  result: { keys: number; missing: number; extra: number; different: number; byKind: Record<string, number>; durationMs: number; samplesTruncated: boolean } | null;
  /** the task's recorded divergent keys, checked before the scan (runs before this check existed: null) */
  recorded: RecordedResult | null;
  differenceCount: number;
  /** the first differing keys (the download has every kept one) */
  differences: CompareSample[];
}
