import "server-only";
import { compare, type CompareMode, type CompareProgress, type CompareResult, type RecordedResult } from "../engine/compare";
import { describeError, redact } from "../errors";
import { updateVerificationRun } from "../db/verification/update-verification-run";
import { listDivergentKeyBytes } from "../db/divergence/list-divergent-key-bytes";
import { loadTaskConfig } from "./task-config";

export interface VerifyStoredTaskOptions {
  taskId: string;
  runId: string;
  mode: CompareMode;
  /** checks of a difference before it counts (default 3: a synchronizing pair is never equal at one instant) */
  rounds?: number;
  signal?: AbortSignal;
  /** how often progress is written to the run (default 1000 ms) */
  progressIntervalMs?: number;
}

/** What a VerificationRun's `summary` holds while running (`progress`) and at the end (the counts). */
export interface VerificationSummary {
  mode: CompareMode;
  rounds: number;
  /** written at least every few seconds while the run lives: a stale one means the process died */
  heartbeatAt: string;
  progress?: CompareProgress;
  keys?: number;
  missing?: number;
  extra?: number;
  different?: number;
  byKind?: CompareResult["byKind"];
  samplesTruncated?: boolean;
  durationMs?: number;
  /**
   * the task's recorded divergent keys (refused or inexact writes), checked before the scan:
   * "recorded divergences: N checked, M still different, K now equal"
   */
  recorded?: RecordedResult;
}

/** still-different recorded keys kept in the run's summary */
const RECORDED_SAMPLES = 200;

const HEARTBEAT_MS = 5000;

/**
 * Runs a data verification (compare) of a stored task's source and destination, with the task's
 * databases and mapping, and records progress and the result in its VerificationRun row. The console
 * runs it in a `redis-dts verify-task` child process, never on its own thread.
 */
export async function verifyStoredTask(o: VerifyStoredTaskOptions): Promise<CompareResult | null> {
  const rounds = o.rounds ?? 3;
  const base = { mode: o.mode, rounds };
  let last: CompareProgress | undefined;
  let writing: Promise<unknown> = Promise.resolve();
  let busy = false;
  const write = () => {
    if (busy) return;
    busy = true;
    const summary: VerificationSummary = { ...base, heartbeatAt: new Date().toISOString(), ...(last && { progress: last }) };
    writing = updateVerificationRun({ id: o.runId, summary: { ...summary } })
      .catch(() => {})
      .finally(() => (busy = false));
  };
  write();
  const heartbeat = setInterval(write, HEARTBEAT_MS);
  try {
    const cfg = await loadTaskConfig(o.taskId, "");
    // every key the synchronization recorded as refused or inexact is checked first, on its own
    const recorded = await listDivergentKeyBytes({ taskId: o.taskId });
    const result = await compare({
      source: cfg.source,
      target: cfg.target,
      dbs: cfg.dbs,
      dbMap: cfg.dbMap,
      keyFilter: cfg.keyFilter,
      mode: o.mode,
      rounds,
      recorded,
      signal: o.signal,
      progressIntervalMs: o.progressIntervalMs ?? 1000,
      onProgress: (p) => {
        last = p;
        write();
      },
    });
    clearInterval(heartbeat);
    await writing;
    const summary: VerificationSummary = {
      ...base,
      heartbeatAt: new Date().toISOString(),
      keys: result.keys,
      missing: result.missing,
      extra: result.extra,
      different: result.different,
      byKind: result.byKind,
      samplesTruncated: result.samplesTruncated,
      durationMs: result.durationMs,
      ...(result.recorded && { recorded: { ...result.recorded, samples: result.recorded.samples.slice(0, RECORDED_SAMPLES) } }),
      ...(last && { progress: last }),
    };
    await updateVerificationRun({ id: o.runId, status: result.equal ? "equal" : "different", summary: { ...summary }, differences: result.samples, error: null, finished: true });
    return result;
  } catch (err) {
    clearInterval(heartbeat);
    await writing;
    const message = o.signal?.aborted ? "Cancelled by the operator." : redact(describeError(err));
    await updateVerificationRun({ id: o.runId, status: "failed", error: message, finished: true });
    return null;
  }
}
