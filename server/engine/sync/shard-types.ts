import type { Cluster, Redis } from "ioredis";
import type { RdbEvent } from "../rdb/types";
import type { DestinationWriter, WriterHandlers } from "../writer/types";
import type { ApplyContext } from "../apply/apply";
import type { DivergenceLog } from "./divergence";
import type { ResumeFix } from "../apply/refusal-redo";
import type { ShardLibraries } from "../loader/function-libraries";
import type { DbMapping } from "./db-mapping";
import type { SpeedLimiter } from "../limit/speed-limiter";
import type { MigrationLedger } from "../apply/migration-ledger";

/** The state of one source master's stream, persisted so a restart resumes with PSYNC. */
export interface ShardCheckpoint {
  /** host:port of the master the stream came from (it may change after a failover) */
  sourceNode: string;
  replid: string;
  offset: number;
  db: number;
  /** "full": a full synchronization started and did not finish; "incremental": resumable */
  phase: "full" | "incremental";
  /** after a pause at a refused write: what a resume skips and applies again (refusal-redo.ts) */
  resume?: ResumeFix;
  /** no write of a command at or past this offset was handed over (send-horizon.ts) */
  horizon?: number;
}

/** Receives the RDB of a full synchronization and writes it to the destination. */
export interface RdbLoad {
  /** false when the producer must wait for ready() */
  event(e: RdbEvent): boolean;
  ready(): Promise<void>;
  /** everything parsed was queued to the writer */
  finish(): Promise<void>;
  readonly keys: number;
  readonly skippedExpired: number;
  /** keys the task's key filter left out */
  readonly skippedFilter: number;
  readonly failedKeys: number;
}

export interface ShardStatus {
  source: string;
  phase: "connecting" | "full" | "incremental" | "retrying" | "stopped" | "failed";
  replid: string | null;
  /** the source's offset as far as we have received it */
  offset: number | null;
  appliedOffset: number | null;
  fullSync: { keys: number; bytes: number; totalBytes: number | null; done: boolean };
  latencyMs: number | null;
  commands: number;
  /** why the stream is not flowing (set when it broke, cleared when a resynchronization starts) */
  waiting: string | null;
}

export interface ShardSyncOptions {
  taskId: string;
  source: { host: string; port: number; username?: string; password?: string; tls?: import("../tls").TlsConfig };
  /** the master's slot ranges (empty for a standalone source) */
  slots: Array<[number, number]>;
  writer: DestinationWriter;
  /** destination control client for cross-slot emulation (routes by key) */
  control: () => Redis | Cluster;
  plan: ApplyContext;
  checkpoint: ShardCheckpoint | null;
  initialSync: "full_and_incremental" | "incremental_only";
  /** how a full synchronization loads the RDB: the task's databases and its conflict mode (a rerun ignores conflicts) */
  load: { mapping: DbMapping; conflict: "intercept" | "ignore"; keyIncluded?: (key: Buffer) => boolean };
  /** the task's speed limits, shared by its shards (../limit) */
  limiter?: SpeedLimiter;
  /** a new writer for one whose connection broke with writes of unknown outcome (the old one is closed) */
  reopenWriter(old: DestinationWriter): Promise<DestinationWriter>;
  /** the destination databases this shard writes to (where its fences live) */
  destDbs: number[];
  /** the task's divergence accounting and policy (divergence.ts) */
  divergence: DivergenceLog;
  /** the destination's Functions libraries, shared by the task's shards (null: not tracked) */
  functions: ShardLibraries | null;
  spoolDir: string;
  /** first synchronized source database: the heartbeat is written there */
  heartbeatDb: number;
  log(level: "info" | "warn" | "error", message: string): void;
  /** the writer's handlers outside the full sync's load: put back on the writer when the load is complete */
  writerHandlers?: WriterHandlers;
  /** the shard has just asked its source for data (PSYNC is being sent); called at every session */
  asked?(): void;
  /** the full synchronization is over (loaded, or continued without one): status readers may look now */
  fullSyncDone?(): void;
  saveCheckpoint(cp: ShardCheckpoint): Promise<void>;
  /** makes a send horizon durable (send-horizon.ts); undefined: replays have no window */
  saveHorizon?(sourceNode: string, horizon: number): Promise<void>;
  /**
   * removes what an earlier full-sync attempt of this shard wrote (intercept mode only); undefined
   * when the destination may hold keys of its own (ignore mode)
   */
  clearShard?(slots: Array<[number, number]>): Promise<number>;
  /** finds the master that now serves `slot` after a failover (cluster sources) */
  rediscover?(slot: number): Promise<{ host: string; port: number } | null>;
  /** keys moving between the masters of a resharded source cluster (cluster sources) */
  migrations?: MigrationLedger | null;
  /**
   * the master joined the source cluster after the task started (resharding): its keys came from
   * other masters the destination holds already, so its full sync overwrites and counts them as moved
   */
  joinedLate?: boolean;
}
