/** What the status page polls (GET /api/tasks/[id]/status), safe for the browser: no credentials. */
import type { DivergenceSummary } from "@/server/engine/sync/divergence";
import type { TDivergentKeyRow } from "./divergence.types";
import type { TDivergencePolicy, TKeyFilter, TSourceReader, TSpeedLimits, TTaskState } from "./task.types";

export interface LiveShard {
  source: string;
  replid: string | null;
  offset: number | null;
  appliedOffset: number | null;
  phase: string;
  /** workers mode: the --name of the worker running the shard (null: none has it now) and since when (ISO) */
  worker?: string | null;
  since?: string | null;
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

/** The overview's figures, all from one snapshot (task-figures.ts). */
export interface TaskFigures {
  /** engine: the running engine's last status line; records: the stored positions and last sample */
  from: "engine" | "records";
  /** when that snapshot was taken */
  at: string;
  state: string;
  fullSync: { keys: number; bytes: number; totalBytes: number | null; done: boolean; active: boolean };
  shards: Array<LiveShard & { refused: number | null; inexact: number | null }>;
  latencyMs: number | null;
  opsPerSec: number | null;
  /** replication stream received and not yet applied, over every shard */
  lagBytes: number | null;
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
  /**
   * How the source is read: the task's setting, what the engine runs with (live, or the scan reader's
   * checkpoint rows once stopped), and the label shown with the scan reader (SCAN_READER_LABEL)
   */
  sourceReader: { configured: TSourceReader; inUse: "psync" | "scan" | null; label: string | null };
  /** the engine process of this console */
  engine: {
    /** embedded: this console's own engine process; workers: `redis-dts worker` processes (REDIS_DTS_ENGINE=workers) */
    mode: "embedded" | "workers";
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
      /** "throttled by limit: 10000 keys/s" while a speed limit holds the engine back, else null */
      throttled: string | null;
      updatedAt: string;
    } | null;
  };
  /** the stored speed limits (a running engine reads them within a second) */
  speedLimits: TSpeedLimits;
  /** the stored key filter (empty lists: every key) */
  keyFilter: TKeyFilter;
  divergence: TaskDivergenceView;
  /** keys the full synchronization copies (INFO keyspace of the source masters), while initializing */
  sourceKeys: number | null;
  /** the newest stored metric sample (the figures when no live status is at hand) */
  lastSample: { time: string; latencyMs: number | null; opsPerSec: number; keys: number; bytes: number; lagBytes: number } | null;
  /** the stored replication positions, one per source master */
  checkpoints: { sourceNode: string; replid: string; offset: number; phase: string; updatedAt: string }[];
  serverTime: string;
  /** the overview's figures, from one snapshot: the engine's or the records' (task-figures.ts) */
  figures: TaskFigures;
}
