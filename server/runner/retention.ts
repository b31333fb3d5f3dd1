import "server-only";
import { DtsError } from "../errors";
import { pruneMetricSamples } from "../db/metric/prune-metric-samples";
import { pruneTaskEvents } from "../db/task-event/prune-task-events";

/**
 * How long metric samples and events are kept. Both tables gain rows for as long as a task runs (a
 * sample every few seconds, an event per notable moment), so the running engine processes and the
 * console delete what is older than the window, at start and then every hour.
 */
export interface RetentionSettings {
  samplesDays: number;
  eventsDays: number;
}

const DAY_MS = 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

/** From REDIS_DTS_METRICS_RETENTION_DAYS (default 7) and REDIS_DTS_EVENTS_RETENTION_DAYS (default 30). */
export function retentionSettings(env: Record<string, string | undefined> = process.env): RetentionSettings {
  return {
    samplesDays: days(env, "REDIS_DTS_METRICS_RETENTION_DAYS", 7),
    eventsDays: days(env, "REDIS_DTS_EVENTS_RETENTION_DAYS", 30),
  };
}

function days(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new DtsError("INVALID_CONFIG", `${name} must be a number of days greater than 0 (got "${raw}")`);
  return n;
}

export interface PruneOldRowsOptions {
  settings: RetentionSettings;
  /** one task's rows (its engine process); every task's when absent (the console) */
  taskId?: string;
  now?: Date;
}

export async function pruneOldRows({ settings, taskId, now = new Date() }: PruneOldRowsOptions): Promise<{ samples: number; events: number }> {
  const samples = await pruneMetricSamples({ taskId, before: new Date(now.getTime() - settings.samplesDays * DAY_MS) });
  const events = await pruneTaskEvents({ taskId, before: new Date(now.getTime() - settings.eventsDays * DAY_MS) });
  return { samples, events };
}

/**
 * Prunes now and every hour until the returned function is called. A failed pass (database briefly
 * unavailable) is reported and tried again at the next one.
 */
export function keepPruning(o: {
  settings: RetentionSettings;
  taskId?: string;
  onError(message: string): void;
  /** the first pass waits for this (an engine start: its PSYNC) */
  after?: Promise<unknown>;
}): () => void {
  const pass = () => void pruneOldRows(o).catch((err) => o.onError(`pruning old metric samples and events failed: ${err instanceof Error ? err.message : String(err)}`));
  let stopped = false;
  if (o.after) void o.after.then(() => stopped || pass());
  else pass();
  const timer = setInterval(pass, PRUNE_EVERY_MS);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
