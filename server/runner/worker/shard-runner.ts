import "server-only";
import { SyncTask } from "../../engine/sync/sync-task";
import { describeError } from "../../errors";
import type { ClaimedShard } from "../../db/shard-lease/claim-shard-lease";
import { setTaskState } from "../../db/task/set-task-state";
import { loadTaskConfig } from "../task-config";
import type { TShardLiveStatus } from "../../../contracts/worker.types";
import { servesShard } from "./shard-key";
import { shardSyncStore } from "./shard-store";

export type ShardEnd = "stopped" | "aborted" | "failed" | "paused" | "gone";

/**
 * One shard of a task run by this worker: a SyncTask limited to the shard's source master (its
 * `sources` filter); the task-wide work only on the shard at position 0. Ends by stop() (a final
 * checkpoint: SIGTERM, or the task is no longer running), abort() (the lease may be lost: writers
 * closed at once), or by itself (failed, paused by the divergence policy: recorded on the task).
 */
export class ShardRunner {
  private task: SyncTask | null = null;
  private stopAsked = false;
  private abortedBy: string | null = null;
  private lastCommands = { at: Date.now(), n: 0, rate: 0 };
  /** local time until which the lease is known to be ours (set by the worker at each renewal) */
  validUntil: number;
  readonly ended: Promise<ShardEnd>;

  constructor(
    readonly lease: ClaimedShard,
    private readonly o: { workerId: string; dataDir: string; validUntil: number; echo(level: string, message: string): void },
  ) {
    this.validUntil = o.validUntil;
    this.ended = this.run();
  }

  stop(): void {
    this.stopAsked = true;
    this.task?.stop();
  }

  /** Stops writing at once: the lease can no longer be confirmed. */
  abort(reason: string): void {
    if (this.abortedBy) return;
    this.abortedBy = reason;
    this.task?.abort(`${this.lease.shard} on this worker: ${reason}; stopped writing`);
  }

  get aborted(): boolean {
    return this.abortedBy !== null;
  }

  private async run(): Promise<ShardEnd> {
    const { lease } = this;
    let cfg: Awaited<ReturnType<typeof loadTaskConfig>>;
    try {
      cfg = await loadTaskConfig(lease.taskId, this.o.dataDir);
    } catch (err) {
      this.o.echo("error", `${lease.shard}: the task could not be loaded: ${describeError(err)}`);
      return "failed";
    }
    if (this.stopAsked || this.abortedBy) return this.abortedBy ? "aborted" : "stopped";
    const store = shardSyncStore({ taskId: lease.taskId, lease: { id: lease.id, workerId: this.o.workerId }, echo: this.o.echo, onLeaseLost: (r) => this.abort(r) });
    let gone = false;
    const task = new SyncTask(
      {
        ...cfg,
        taskWide: lease.position === 0,
        sources: (node) => servesShard(lease.shard, node),
      },
      store,
    );
    this.task = task;
    if (this.stopAsked) task.stop();
    if (this.abortedBy) task.abort(this.abortedBy);
    try {
      await task.run();
    } catch (err) {
      gone = /no source master serves this shard/.test(describeError(err));
    } finally {
      // the final checkpoint: when it cannot be stored the next holder resumes from the one before
      // (the fences keep the replay exact), which the events must say
      await store.flush().catch((err) => this.o.echo("error", `${lease.shard}: the final checkpoint was not stored (${describeError(err)}); the next worker resumes from the previous one`));
    }
    if (this.abortedBy) return "aborted";
    const final = task.snapshot();
    if (gone) return "gone";
    if (final.state === "failed" && !this.stopAsked) {
      await setTaskState({ id: lease.taskId, move: "engine-end", state: "failed", error: { code: final.divergence.haltedBy ? "DIVERGENCE" : undefined, message: `${lease.source}: ${final.error ?? "the shard failed"}` } }).catch((err) => this.o.echo("error", `${lease.shard}: the task's state could not be stored: ${describeError(err)}`));
      return "failed";
    }
    if (final.divergence.haltedBy && !this.stopAsked) {
      await setTaskState({ id: lease.taskId, move: "engine-end", state: "paused", error: { code: "DIVERGENCE", message: `paused at a refused or inexact write: ${final.divergence.haltedBy}` } }).catch((err) => this.o.echo("error", `${lease.shard}: the task's state could not be stored: ${describeError(err)}`));
      return "paused";
    }
    return "stopped";
  }

  /** The shard's live status for its lease row (null until the engine started). */
  status(): TShardLiveStatus | null {
    const task = this.task;
    if (!task) return null;
    const snap = task.snapshot();
    const own = task.shardStatuses()[0];
    if (!own) return null;
    const now = Date.now();
    if (now - this.lastCommands.at >= 1000) {
      this.lastCommands = { at: now, n: own.commands, rate: Math.round(((own.commands - this.lastCommands.n) * 1000) / (now - this.lastCommands.at)) };
    }
    return {
      source: own.source,
      replid: own.replid,
      offset: own.offset,
      appliedOffset: own.appliedOffset,
      phase: own.phase,
      waiting: own.waiting,
      fullSync: own.fullSync,
      latencyMs: own.latencyMs,
      commands: own.commands,
      opsPerSec: this.lastCommands.rate,
      refused: snap.divergence.refused,
      inexact: snap.divergence.inexact,
      warnings: snap.warnings,
      ...(snap.pubsub ? { pubsub: snap.pubsub } : {}),
    };
  }
}
