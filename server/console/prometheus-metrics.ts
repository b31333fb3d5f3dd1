import "server-only";
import { Gauge, Registry } from "prom-client";
import { findTasks } from "@/server/db/task/find-tasks";
import { findShardLeases } from "@/server/db/shard-lease/find-shard-leases";
import { findWorkers } from "@/server/db/worker/find-workers";
import { countDivergences } from "@/server/db/divergence/count-divergences";
import { databaseConfig } from "@/server/db/url";
import { engineStatus } from "@/server/runner/engine-host";
import { TASK_STATES } from "@/contracts/task.types";

/**
 * /api/metrics in the Prometheus text format: per task and per shard the state, latency, lag, applied
 * operations, full-sync progress, refused and inexact writes, and the worker that runs it; per worker
 * its shards and memory. A fresh registry per scrape: every figure is read from the database (what
 * the workers store each second) or from this console's own engine processes, nothing is cached here.
 */
export async function prometheusMetrics(): Promise<{ body: string; contentType: string }> {
  const registry = new Registry();
  const gauge = (name: string, help: string, labelNames: string[]) => new Gauge({ name: `redis_dts_${name}`, help, labelNames, registers: [registry] });
  const taskState = gauge("task_state", "1 for the task's current state, 0 for the others", ["task", "task_id", "state"]);
  const taskLatency = gauge("task_latency_seconds", "synchronization latency of the task (its slowest shard)", ["task", "task_id"]);
  const taskOps = gauge("task_ops_per_second", "commands applied per second", ["task", "task_id"]);
  const taskLag = gauge("task_lag_bytes", "source offset minus applied offset, summed over the shards", ["task", "task_id"]);
  const taskRefused = gauge("task_refused_writes", "writes the destination refused (recorded divergences)", ["task", "task_id"]);
  const taskInexact = gauge("task_inexact_writes", "writes not applied exactly (recorded divergences)", ["task", "task_id"]);
  const taskFullKeys = gauge("task_full_sync_keys", "keys written by the full synchronization", ["task", "task_id"]);
  const taskFullDone = gauge("task_full_sync_done", "1 once every shard's full synchronization is done", ["task", "task_id"]);
  const shardLabels = ["task", "task_id", "shard", "source", "worker"];
  const shardUp = gauge("shard_info", "one series per shard: its phase and the worker running it (empty: none)", [...shardLabels, "phase"]);
  const shardLatency = gauge("shard_latency_seconds", "latency of the shard", shardLabels);
  const shardLag = gauge("shard_lag_bytes", "source offset minus applied offset", shardLabels);
  const shardApplied = gauge("shard_applied_ops", "commands applied since the shard started on its worker", shardLabels);
  const shardFullBytes = gauge("shard_full_sync_bytes", "RDB bytes loaded by the shard's full synchronization", shardLabels);
  const shardFullTotal = gauge("shard_full_sync_total_bytes", "RDB size of the shard's full synchronization, when known", shardLabels);
  const shardFullDone = gauge("shard_full_sync_done", "1 once the shard's full synchronization is done", shardLabels);
  const shardRefused = gauge("shard_refused_writes", "writes of this shard the destination refused (since it started on its worker)", shardLabels);
  const shardInexact = gauge("shard_inexact_writes", "writes of this shard not applied exactly (since it started on its worker)", shardLabels);
  const shardHeld = gauge("shard_lease_expired", "1 when the shard's worker stopped renewing its lease (dead or cut off)", shardLabels);
  const workerShards = gauge("worker_shards", "shards the worker runs", ["worker", "host"]);
  const workerMax = gauge("worker_max_shards", "the worker's --max-shards", ["worker", "host"]);
  const workerRss = gauge("worker_rss_bytes", "resident memory of the worker process", ["worker", "host"]);

  const tasks = await findTasks({});
  const postgres = databaseConfig().provider === "postgresql";
  const leases = postgres ? await findShardLeases({}) : [];
  for (const t of tasks) {
    const l = { task: t.name, task_id: t.id };
    for (const s of TASK_STATES) taskState.set({ ...l, state: s }, s === t.state ? 1 : 0);
    const recorded = await countDivergences({ taskId: t.id });
    taskRefused.set(l, recorded.refused);
    taskInexact.set(l, recorded.inexact);
    const rows = leases.filter((r) => r.taskId === t.id);
    const embedded = engineStatus(t.id);
    let latencyMs: number | null = null;
    let ops = 0;
    let lag = 0;
    let keys = 0;
    let done = rows.length > 0;
    for (const r of rows) {
      const sl = { ...l, shard: r.shard, source: r.status?.source ?? r.source, worker: r.worker ?? "" };
      shardUp.set({ ...sl, phase: r.status?.phase ?? (r.worker ? "connecting" : "unassigned") }, 1);
      shardHeld.set(sl, r.expired ? 1 : 0);
      const s = r.status;
      if (!s) {
        done = false;
        continue;
      }
      if (s.latencyMs !== null) shardLatency.set(sl, s.latencyMs / 1000);
      const shardLagBytes = Math.max(0, (s.offset ?? 0) - (s.appliedOffset ?? s.offset ?? 0));
      shardLag.set(sl, shardLagBytes);
      shardApplied.set(sl, s.commands);
      shardFullBytes.set(sl, s.fullSync.bytes);
      if (s.fullSync.totalBytes !== null) shardFullTotal.set(sl, s.fullSync.totalBytes);
      shardFullDone.set(sl, s.fullSync.done ? 1 : 0);
      shardRefused.set(sl, s.refused);
      shardInexact.set(sl, s.inexact);
      if (s.latencyMs !== null) latencyMs = Math.max(latencyMs ?? 0, s.latencyMs);
      ops += s.opsPerSec;
      lag += shardLagBytes;
      keys += s.fullSync.keys;
      done &&= s.fullSync.done;
    }
    // a task run by this console's own engine process (embedded mode) or a CLI sync elsewhere: the live line
    if (rows.length === 0 && embedded?.live) {
      latencyMs = embedded.latencyMs;
      ops = embedded.opsPerSec;
      keys = embedded.fullSync.keys;
      done = embedded.fullSync.done;
      for (const s of embedded.shards) {
        const sl = { ...l, shard: s.source, source: s.source, worker: "console" };
        shardUp.set({ ...sl, phase: String(s.phase) }, 1);
        const shardLagBytes = Math.max(0, (s.offset ?? 0) - (s.appliedOffset ?? s.offset ?? 0));
        shardLag.set(sl, shardLagBytes);
        lag += shardLagBytes;
      }
    }
    if (latencyMs !== null) taskLatency.set(l, latencyMs / 1000);
    taskOps.set(l, ops);
    taskLag.set(l, lag);
    taskFullKeys.set(l, keys);
    taskFullDone.set(l, done ? 1 : 0);
  }
  if (postgres) {
    for (const w of await findWorkers({})) {
      const wl = { worker: w.name, host: w.host };
      workerShards.set(wl, w.shards);
      workerMax.set(wl, w.maxShards);
      workerRss.set(wl, w.rssBytes);
    }
  }
  return { body: await registry.metrics(), contentType: registry.contentType };
}
