import "server-only";
import type { SyncSnapshot, TaskState } from "../../engine/sync/sync-task";
import { getTask } from "../../db/task/get-task";
import { findShardLeases } from "../../db/shard-lease/find-shard-leases";
import { parseJsonField } from "../../db/json";
import { ZSpeedLimitsSchema, ZTaskOptionsSchema } from "../../../contracts/task.types";
import type { TShardAssignment } from "../../../contracts/worker.types";

/** The status `sync --json` prints, each shard naming the worker that runs it and since when. */
export type WorkerTaskStatus = Omit<SyncSnapshot, "shards"> & {
  shards: Array<SyncSnapshot["shards"][number] & { shard: string; worker: string | null; since: string | null }>;
};

/**
 * One task's status put together from its shards' lease rows (each worker writes its shards' live
 * status every second): one state (the task's), one latency (the highest), the sums of the rest.
 */
export async function taskStatusFromShards(taskId: string): Promise<WorkerTaskStatus | null> {
  const task = await getTask({ id: taskId });
  if (!task) return null;
  const rows = await findShardLeases({ taskId });
  return composeStatus({ state: task.state === "not_started" ? "paused" : (task.state as TaskState), error: task.error, options: task.options, speedLimits: task.speedLimits, rows });
}

export function composeStatus(o: { state: TaskState; error: string | null; options: string; speedLimits?: string; rows: TShardAssignment[] }): WorkerTaskStatus {
  const live = o.rows.map((r) => r.status);
  const figures = live.filter((s): s is NonNullable<typeof s> => s !== null);
  const totals = figures.map((s) => s.fullSync.totalBytes);
  const latencies = figures.map((s) => s.latencyMs).filter((l): l is number => l !== null);
  const policy = parseJsonField(o.options, ZTaskOptionsSchema, {}).onInexact ?? "pause";
  const warnings = new Set<string>();
  for (const r of o.rows) {
    for (const w of r.status?.warnings ?? []) warnings.add(w);
    if (r.expired) warnings.add(`${r.source}: its worker ${r.worker} stopped renewing its lease; another worker takes the shard over`);
    else if (!r.worker && (o.state === "initializing" || o.state === "synchronizing")) warnings.add(`${r.source}: waiting for a worker (none has a free slot)`);
  }
  const pubsub = figures.find((s) => s.pubsub)?.pubsub;
  return {
    state: o.state,
    // the stored limits (workers read them when they take a shard)
    limits: parseJsonField(o.speedLimits ?? "{}", ZSpeedLimitsSchema, {}),
    fullSync: {
      keys: figures.reduce((n, s) => n + s.fullSync.keys, 0),
      bytes: figures.reduce((n, s) => n + s.fullSync.bytes, 0),
      totalBytes: totals.length === o.rows.length && totals.every((t) => t !== null) && totals.length ? totals.reduce((a, b) => a! + b!, 0) : null,
      done: o.rows.length > 0 && live.every((s) => s?.fullSync.done === true),
    },
    shards: o.rows.map((r) => ({
      shard: r.shard,
      source: r.status?.source ?? r.source,
      replid: r.status?.replid ?? null,
      offset: r.status?.offset ?? null,
      appliedOffset: r.status?.appliedOffset ?? null,
      phase: (r.status?.phase ?? "connecting") as SyncSnapshot["shards"][number]["phase"],
      waiting: r.status?.waiting ?? null,
      worker: r.worker,
      since: r.since,
    })),
    latencyMs: latencies.length ? Math.max(...latencies) : null,
    opsPerSec: figures.reduce((n, s) => n + s.opsPerSec, 0),
    warnings: [...warnings],
    divergence: {
      policy,
      refused: figures.reduce((n, s) => n + s.refused, 0),
      inexact: figures.reduce((n, s) => n + s.inexact, 0),
      shards: o.rows.filter((r) => r.status && r.status.refused + r.status.inexact > 0).map((r) => ({ source: r.status!.source, refused: r.status!.refused, inexact: r.status!.inexact })),
      recent: [],
    },
    ...(o.error ? { error: o.error } : {}),
    ...(pubsub ? { pubsub } : {}),
  };
}
