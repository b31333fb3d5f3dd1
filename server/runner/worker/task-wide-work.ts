import "server-only";
import { describeError } from "../../errors";
import { getTask } from "../../db/task/get-task";
import { setTaskState } from "../../db/task/set-task-state";
import { addMetricSample } from "../../db/metric/add-metric-sample";
import { findShardLeases } from "../../db/shard-lease/find-shard-leases";
import { keepPruning, retentionSettings } from "../retention";
import { composeStatus, type WorkerTaskStatus } from "./task-status";
import type { TaskState } from "../../engine/sync/sync-task";

const METRIC_EVERY_MS = 5000;

/**
 * What is done once per task, not once per shard, by the worker holding the task's first shard
 * (position 0; when that shard moves, this work moves with it): the task's state from its shards
 * (initializing → synchronizing once every shard's full synchronization is done), one metric sample
 * for the whole task, the pruning of old samples and events, and the alert rules (`onStatus`).
 * The pub/sub forwarder and the Functions agreement check run in that shard's engine (taskWide).
 */
export class TaskWideWork {
  private lastMetric = 0;
  private readonly stopPruning: () => void;

  constructor(
    private readonly taskId: string,
    private readonly o: { echo(level: string, message: string): void; onStatus?(taskId: string, status: WorkerTaskStatus): Promise<void> },
  ) {
    this.stopPruning = keepPruning({ settings: retentionSettings(), taskId, onError: (m) => o.echo("warn", m) });
  }

  async tick(): Promise<void> {
    try {
      const task = await getTask({ id: this.taskId });
      if (!task) return;
      const rows = await findShardLeases({ taskId: this.taskId });
      const status = composeStatus({ state: task.state as TaskState, error: task.error, options: task.options, speedLimits: task.speedLimits, rows });
      if (task.state === "initializing" && status.fullSync.done) {
        await setTaskState({ id: this.taskId, move: "engine-progress", state: "synchronizing" });
        status.state = "synchronizing";
      }
      if (Date.now() - this.lastMetric >= METRIC_EVERY_MS) {
        this.lastMetric = Date.now();
        const lag = status.shards.reduce((n, s) => n + Math.max(0, (s.offset ?? 0) - (s.appliedOffset ?? s.offset ?? 0)), 0);
        await addMetricSample({ taskId: this.taskId, opsPerSec: status.opsPerSec, latencyMs: status.latencyMs, keys: status.fullSync.keys, bytes: status.fullSync.bytes, lagBytes: lag });
      }
      await this.o.onStatus?.(this.taskId, status);
    } catch (err) {
      this.o.echo("warn", `task-wide work of ${this.taskId}: ${describeError(err)}`);
    }
  }

  close(): void {
    this.stopPruning();
  }
}
