import "server-only";
import { engineStatus, isEngineRunning } from "@/server/runner/engine-host";
import { engineMode } from "@/server/runner/engine-mode";
import { taskStatusFromShards } from "@/server/runner/worker/task-status";
import { findShardLeases } from "@/server/db/shard-lease/find-shard-leases";
import { getTask } from "@/server/db/task/get-task";
import { getTaskUpdatedAt } from "@/server/db/task/get-task-updated-at";
import { getCheckpoints } from "@/server/db/checkpoint/get-checkpoints";
import { findMetricSamples } from "@/server/db/metric/find-metric-samples";
import { parseJsonField } from "@/server/db/json";
import { countDivergences } from "@/server/db/divergence/count-divergences";
import { findDivergentKeys } from "@/server/db/divergence/find-divergent-keys";
import type { TDivergentKeyRow } from "@/contracts/divergence.types";
import type { DivergenceSummary } from "@/server/engine/sync/divergence";
import { DEFAULT_DIVERGENCE_POLICY, SCAN_READER_LABEL, ZKeyFilterSchema, ZSourceReaderSchema, ZSpeedLimitsSchema, ZTaskOptionsSchema, type TDivergencePolicy, type TTaskState } from "@/contracts/task.types";
import { SCAN_REPLID } from "@/server/engine/sync/source-reader";
import { taskStateOf } from "./wizard-task";
import { sourceKeyEstimate } from "./source-key-estimate";
import type { TaskDivergenceView, TaskStatusView } from "@/contracts/task-status-view.types";
import { taskFigures } from "./task-figures";
import { describeError } from "@/server/errors";

/** divergent keys listed on the status page */
export const DIVERGENT_KEYS_SHOWN = 10;

/**
 * One task's view is served again while its row is unchanged: the status page and scripts poll it
 * (the benchmark every 100 ms) while the engine publishes figures once a second, and building it
 * takes six queries that, during a full sync, competed with the engine for the CPU. Older than
 * FRESH_MS it is rebuilt in the background while the last one is served; older than STALE_MS a
 * request waits for a new one. A change of the task row (a state change, an operator's action) is
 * seen at once: the cache is keyed by its updatedAt, which is all a request reads of the row.
 */
const FRESH_MS = 500;
const STALE_MS = 2000;
interface CachedView {
  stamp: number;
  at: number;
  /** null: the task was deleted while this was built */
  view: Promise<TaskStatusView | null>;
  refreshing: boolean;
}
const g = globalThis as unknown as { __redisDtsStatusViews?: Map<string, CachedView> };
const views = (g.__redisDtsStatusViews ??= new Map());

export async function taskStatusView(taskId: string): Promise<TaskStatusView | null> {
  // only the row's stamp on every request: the task with its endpoints is read when a view is built
  const updatedAt = await getTaskUpdatedAt({ id: taskId });
  if (!updatedAt) {
    views.delete(taskId);
    return null;
  }
  const stamp = updatedAt.getTime();
  const hit = views.get(taskId);
  const age = hit ? Date.now() - hit.at : Infinity;
  if (hit && hit.stamp === stamp && age < STALE_MS) {
    if (age >= FRESH_MS && !hit.refreshing) {
      hit.refreshing = true;
      const next = buildView(taskId);
      // swapped in once built, so no request waits for it; a failed rebuild keeps the last view (said
      // in the server log: requests once it is older than STALE_MS get the error themselves)
      next.then(
        (view) => {
          if (view && views.get(taskId) === hit) views.set(taskId, { stamp, at: Date.now(), view: next, refreshing: false });
          else hit.refreshing = false;
        },
        (err) => {
          hit.refreshing = false;
          console.error(`redis-dts: the status of task ${taskId} was not rebuilt (the last one is served): ${describeError(err)}`);
        },
      );
    }
    return hit.view;
  }
  if (views.size > 1000) views.clear();
  const view = buildView(taskId);
  views.set(taskId, { stamp, at: Date.now(), view, refreshing: false });
  // a task deleted since its stamp was read (null) or a failed build is not kept
  view.then(
    (v) => v === null && views.get(taskId)?.view === view && views.delete(taskId),
    () => views.get(taskId)?.view === view && views.delete(taskId),
  );
  return view;
}

async function buildView(taskId: string): Promise<TaskStatusView | null> {
  const task = await getTask({ id: taskId });
  if (!task) return null;
  const state = taskStateOf(task.state);
  const [checkpoints, samples, recorded, keys] = await Promise.all([
    getCheckpoints({ taskId }),
    findMetricSamples({ taskId, take: 1 }),
    countDivergences({ taskId }),
    findDivergentKeys({ taskId, take: DIVERGENT_KEYS_SHOWN }),
  ]);
  const mode = engineMode();
  // workers mode: the shards' status as their workers store it each second (one task, one status)
  const fromWorkers = mode === "workers" ? await workersStatus(taskId) : null;
  const live = fromWorkers ? fromWorkers.live : engineStatus(taskId);
  const running = fromWorkers ? fromWorkers.running : isEngineRunning(taskId);
  const sample = samples[0];
  const policy = parseJsonField(task.options, ZTaskOptionsSchema, {}).onInexact ?? DEFAULT_DIVERGENCE_POLICY;
  const counting = running && live?.divergence ? live.divergence : null;
  const configured = ZSourceReaderSchema.catch("psync").parse(task.sourceReader);
  // the scan reader leaves checkpoint rows without a stream position (SCAN_REPLID): it ran
  const inUse = (running ? live?.sourceReader : undefined) ?? (checkpoints.some((c) => c.replid === SCAN_REPLID) ? "scan" : checkpoints.length ? "psync" : null);
  const view: Omit<TaskStatusView, "figures"> = {
    id: task.id,
    name: task.name,
    regionLabel: task.regionLabel,
    state,
    error: task.error,
    errorCode: task.errorCode,
    createdAt: task.createdAt.toISOString(),
    startedAt: task.startedAt?.toISOString() ?? null,
    finishedAt: task.finishedAt?.toISOString() ?? null,
    wizardStep: task.wizardStep,
    initialSync: task.initialSync,
    sourceReader: { configured, inUse, label: inUse === "scan" || configured === "scan" ? SCAN_READER_LABEL : null },
    engine: {
      mode,
      running,
      live: live && {
        state: live.state,
        fullSync: live.fullSync,
        shards: live.shards.map((s) => ({ source: s.source, replid: s.replid, offset: s.offset, appliedOffset: s.appliedOffset, phase: String(s.phase), ...("worker" in s ? { worker: s.worker as string | null, since: (s as { since?: string | null }).since ?? null } : {}) })),
        latencyMs: live.latencyMs,
        opsPerSec: live.opsPerSec,
        error: live.error ?? null,
        warnings: live.warnings ?? [],
        pubsub: live.pubsub ? { forwarded: live.pubsub.forwarded, dropped: live.pubsub.dropped, link: live.pubsub.link, problem: live.pubsub.problem } : null,
        divergence: live.divergence ?? { policy, refused: 0, inexact: 0, shards: [], recent: [] },
        throttled: live.throttled ?? null,
        updatedAt: new Date(live.updatedAt).toISOString(),
      },
    },
    speedLimits: parseJsonField(task.speedLimits, ZSpeedLimitsSchema, {}),
    keyFilter: parseJsonField(task.keyFilter, ZKeyFilterSchema, { include: [], exclude: [] }),
    divergence: {
      policy,
      from: counting ? "engine" : "records",
      refused: counting ? counting.refused : recorded.refused,
      inexact: counting ? counting.inexact : recorded.inexact,
      recorded,
      keys,
      pausedBy: state === "paused" && task.errorCode === "DIVERGENCE" ? (task.error ?? "a write was refused or could not be applied exactly") : null,
    },
    sourceKeys: state === "initializing" ? sourceKeyEstimate(taskId) : null,
    lastSample: sample
      ? { time: sample.time.toISOString(), latencyMs: sample.latencyMs, opsPerSec: sample.opsPerSec, keys: sample.keys, bytes: sample.bytes, lagBytes: sample.lagBytes }
      : null,
    checkpoints: checkpoints.map((c) => ({ sourceNode: c.sourceNode, replid: c.replid, offset: Number(c.offset), phase: c.phase, updatedAt: c.updatedAt.toISOString() })),
    serverTime: new Date().toISOString(),
  };
  return { ...view, figures: taskFigures(view) };
}

/** The live status put together from the task's shard rows; running while a worker holds one of them. */
async function workersStatus(taskId: string) {
  const rows = await findShardLeases({ taskId });
  const status = await taskStatusFromShards(taskId);
  if (!status) return null;
  const statusAt = rows.map((r) => (r.statusAt ? Date.parse(r.statusAt) : 0));
  return {
    running: rows.some((r) => r.worker !== null && !r.expired),
    live: rows.length ? { ...status, live: true, updatedAt: Math.max(...statusAt, 0) || Date.now() } : null,
  };
}
