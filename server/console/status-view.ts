import "server-only";
import { engineStatus, isEngineRunning } from "@/server/runner/engine-host";
import { getTask } from "@/server/db/task/get-task";
import { getCheckpoints } from "@/server/db/checkpoint/get-checkpoints";
import { findMetricSamples } from "@/server/db/metric/find-metric-samples";
import { parseJsonField } from "@/server/db/json";
import { countDivergences } from "@/server/db/divergence/count-divergences";
import { findDivergentKeys } from "@/server/db/divergence/find-divergent-keys";
import type { TDivergentKeyRow } from "@/server/db/divergence/divergence.types";
import type { DivergenceSummary } from "@/server/engine/sync/divergence";
import { DEFAULT_DIVERGENCE_POLICY, ZTaskOptionsSchema, type TDivergencePolicy, type TTaskState } from "@/contracts/task.types";
import { taskStateOf } from "./wizard-task";
import { sourceKeyEstimate } from "./source-key-estimate";

export interface LiveShard {
  source: string;
  replid: string | null;
  offset: number | null;
  appliedOffset: number | null;
  phase: string;
}

/**
 * "Writes refused / applied inexactly": nothing diverges silently, so the figures are there even
 * when they are zero (the operator sees the rule is watched).
 */
export interface TaskDivergenceView {
  /** the task's policy (Task.options.onInexact) */
  policy: TDivergencePolicy;
  /**
   * engine: the running engine's counts of diverging commands since it started (exact, not bounded);
   * records: the recorded divergent keys, when no engine of this console runs the task
   */
  from: "engine" | "records";
  refused: number;
  inexact: number;
  /** recorded keys over the task's life (bounded: MAX_DIVERGENT_KEYS rows); Data Verification checks them first */
  recorded: { refused: number; inexact: number };
  /** the newest recorded divergent keys, newest first */
  keys: TDivergentKeyRow[];
  /** why the policy paused the task (the task's error), while it is paused by it */
  pausedBy: string | null;
}

/** Everything the status page polls, safe for the browser (no credentials). */
export interface TaskStatusView {
  id: string;
  name: string;
  regionLabel: string;
  state: TTaskState;
  error: string | null;
  errorCode: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  wizardStep: number;
  initialSync: string;
  /** the engine process of this console */
  engine: {
    running: boolean;
    /** its last status line; null when it has not reported (or runs elsewhere) */
    live: {
      state: string;
      fullSync: { keys: number; bytes: number; totalBytes: number | null; done: boolean };
      shards: LiveShard[];
      latencyMs: number | null;
      opsPerSec: number;
      error: string | null;
      /** what holds the task back right now (a destination refusing writes, a source link retrying) */
      warnings: string[];
      /** the pub/sub forwarder of a cluster source; null for a standalone source (PUBLISH is in its stream) */
      pubsub: { forwarded: number; dropped: number; link: "connecting" | "up" | "down"; problem: string | null } | null;
      /** refused and inexact writes of this engine run, per shard, the last few */
      divergence: DivergenceSummary;
      updatedAt: string;
    } | null;
  };
  divergence: TaskDivergenceView;
  /** keys the full synchronization copies (INFO keyspace of the source masters), while initializing */
  sourceKeys: number | null;
  /** the newest stored metric sample (the figures when no live status is at hand) */
  lastSample: { time: string; latencyMs: number | null; opsPerSec: number; keys: number; bytes: number; lagBytes: number } | null;
  /** the stored replication positions, one per source master */
  checkpoints: { sourceNode: string; replid: string; offset: number; phase: string; updatedAt: string }[];
  serverTime: string;
}

/** divergent keys listed on the status page */
export const DIVERGENT_KEYS_SHOWN = 10;

export async function taskStatusView(taskId: string): Promise<TaskStatusView | null> {
  const task = await getTask({ id: taskId });
  if (!task) return null;
  const state = taskStateOf(task.state);
  const [checkpoints, samples, recorded, keys] = await Promise.all([
    getCheckpoints({ taskId }),
    findMetricSamples({ taskId, take: 1 }),
    countDivergences({ taskId }),
    findDivergentKeys({ taskId, take: DIVERGENT_KEYS_SHOWN }),
  ]);
  const live = engineStatus(taskId);
  const running = isEngineRunning(taskId);
  const sample = samples[0];
  const policy = parseJsonField(task.options, ZTaskOptionsSchema, {}).onInexact ?? DEFAULT_DIVERGENCE_POLICY;
  const counting = running && live?.divergence ? live.divergence : null;
  return {
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
    engine: {
      running,
      live: live && {
        state: live.state,
        fullSync: live.fullSync,
        shards: live.shards.map((s) => ({ source: s.source, replid: s.replid, offset: s.offset, appliedOffset: s.appliedOffset, phase: String(s.phase) })),
        latencyMs: live.latencyMs,
        opsPerSec: live.opsPerSec,
        error: live.error ?? null,
        warnings: live.warnings ?? [],
        pubsub: live.pubsub ? { forwarded: live.pubsub.forwarded, dropped: live.pubsub.dropped, link: live.pubsub.link, problem: live.pubsub.problem } : null,
        divergence: live.divergence ?? { policy, refused: 0, inexact: 0, shards: [], recent: [] },
        updatedAt: new Date(live.updatedAt).toISOString(),
      },
    },
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
}
