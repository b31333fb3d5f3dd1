import "server-only";
import os from "node:os";
import { DtsError, describeError } from "../../errors";
import { databaseConfig } from "../../db/url";
import { getDb } from "../../db/client";
import { saveWorker } from "../../db/worker/save-worker";
import { deleteWorker } from "../../db/worker/delete-worker";
import { findWorkers } from "../../db/worker/find-workers";
import { claimShardLease } from "../../db/shard-lease/claim-shard-lease";
import { renewShardLeases } from "../../db/shard-lease/renew-shard-leases";
import { releaseShardLease } from "../../db/shard-lease/release-shard-lease";
import { saveShardStatus } from "../../db/shard-lease/save-shard-status";
import { countRunningShards } from "../../db/shard-lease/count-running-shards";
import { layOutShards } from "../../db/shard-lease/lay-out-shards";
import { addTaskEvent } from "../../db/task-event/add-task-event";
import { ownLeaseHolder } from "../lease-holder";
import { loadTaskConfig } from "../task-config";
import { ShardRunner } from "./shard-runner";
import { discoverShards } from "./shard-key";
import { TaskWideWork } from "./task-wide-work";
import { precheckWaitingTask } from "./precheck-waiting-task";
import type { WorkerTaskStatus } from "./task-status";

/**
 * Lease timing. A lease lasts LEASE_MS on the database's clock and is renewed every TICK_MS. The
 * worker stops writing a shard once LEASE_MS - SAFETY_MS have passed (on its own clock) since it
 * sent the last renewal that succeeded: that renewal set the expiry at least LEASE_MS after it was
 * sent, so this worker has stopped writing before the lease can run out and another worker claim the
 * shard. A dead worker's shards are claimed LEASE_MS + one tick after its last renewal (< 30 s).
 */
export const LEASE_MS = 15_000;
const SAFETY_MS = 4_000;
const TICK_MS = 1_000;
/** workers seen within this are alive: shards are shared among them */
const ALIVE_MS = 15_000;

export interface WorkerEvent {
  event: "started" | "claimed" | "released" | "lost" | "stopped-writing" | "shard-ended" | "database-unreachable" | "database-reachable" | "stopped";
  at: number;
  worker: string;
  taskId?: string;
  shard?: string;
  from?: string | null;
  reason?: string;
}

export interface RunWorkerOptions {
  name: string;
  maxShards: number;
  dataDir: string;
  /** aborted on SIGTERM/SIGINT: every shard stops after a final checkpoint and is given back */
  signal: AbortSignal;
  echo(level: string, message: string): void;
  onEvent?(e: WorkerEvent): void;
  /** the task-wide status, each second, on the worker that holds a task's first shard (alerts) */
  onTaskStatus?(taskId: string, status: WorkerTaskStatus): Promise<void>;
}

/** `redis-dts worker`: takes shards of running tasks from PostgreSQL and runs them until stopped. */
export async function runWorker(o: RunWorkerOptions): Promise<void> {
  if (databaseConfig().provider !== "postgresql") throw new DtsError("INVALID_CONFIG", "redis-dts worker needs a PostgreSQL database shared by every worker and the console: set DATABASE_URL=postgresql://…");
  const workerId = `${o.name}@${ownLeaseHolder()}`;
  const runners = new Map<string, ShardRunner>();
  const taskWide = new Map<string, TaskWideWork>();
  const emit = (e: Omit<WorkerEvent, "at" | "worker">) => o.onEvent?.({ ...e, at: Date.now(), worker: o.name });
  let dbDown = false;
  let busy = false;

  const ended = (runner: ShardRunner, how: string) => {
    runners.delete(runner.lease.id);
    // the shard's engine has closed its destination connections: nothing more is written from here
    emit({ event: "shard-ended", taskId: runner.lease.taskId, shard: runner.lease.shard, reason: how });
    const wide = taskWide.get(runner.lease.taskId);
    if (wide && runner.lease.position === 0) {
      wide.close();
      taskWide.delete(runner.lease.taskId);
    }
    if (how === "aborted") return;
    void (async () => {
      if (how === "gone") await relayOut(runner.lease.taskId).catch((err) => o.echo("warn", `laying out the shards again failed: ${describeError(err)}`));
      if (await releaseShardLease({ id: runner.lease.id, workerId }).catch(() => false)) emit({ event: "released", taskId: runner.lease.taskId, shard: runner.lease.shard, reason: how });
    })();
  };

  const relayOut = async (taskId: string) => {
    const cfg = await loadTaskConfig(taskId, o.dataDir);
    await layOutShards({ taskId, shards: await discoverShards(cfg.source) });
  };

  const tick = async () => {
    if (busy || o.signal.aborted) return;
    busy = true;
    // a query that hangs (a black-holed network) must not stop every later tick: the tick gives up
    // after a lease's time and the next one starts over (the guard below stopped the writing meanwhile)
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new DtsError("TIMEOUT", `the database did not answer within ${LEASE_MS / 1000} s`)), LEASE_MS)));
    try {
      await Promise.race([work(), hung]);
    } catch (err) {
      if (!dbDown) {
        dbDown = true;
        emit({ event: "database-unreachable", reason: describeError(err) });
        o.echo("warn", `the database does not answer (${describeError(err)}); shards stop writing when their leases can no longer be confirmed`);
      }
    } finally {
      clearTimeout(timer);
      busy = false;
    }
  };

  const work = async () => {
    await saveWorker({ id: workerId, name: o.name, host: os.hostname(), pid: process.pid, maxShards: o.maxShards, rssBytes: process.memoryUsage.rss() });
    const sentAt = Date.now();
    const held = new Map((await renewShardLeases({ workerId, ttlMs: LEASE_MS })).map((r) => [r.id, r.taskState]));
    if (dbDown) {
      dbDown = false;
      emit({ event: "database-reachable" });
      o.echo("info", "the database answers again");
    }
    for (const r of runners.values()) {
      const state = held.get(r.lease.id);
      if (state === undefined) {
        if (!r.aborted) emit({ event: "lost", taskId: r.lease.taskId, shard: r.lease.shard });
        r.abort("this worker no longer holds the shard's lease");
        continue;
      }
      r.validUntil = sentAt + LEASE_MS - SAFETY_MS;
      if (state !== "initializing" && state !== "synchronizing") r.stop();
    }
    for (const r of runners.values()) {
      const status = r.status();
      if (status) await saveShardStatus({ id: r.lease.id, workerId, source: status.source, status });
    }
    for (const w of taskWide.values()) await w.tick();
    await precheckTasks();
    await layOutNewTasks();
    await claimOne();
  };

  // Tasks the console restarted (prechecking): one worker runs the precheck, in the background.
  const prechecking = new Set<string>();
  const precheckTasks = async () => {
    const tasks = await getDb().task.findMany({ where: { state: "prechecking" }, select: { id: true } });
    for (const t of tasks) {
      if (prechecking.has(t.id)) continue;
      prechecking.add(t.id);
      void precheckWaitingTask({ taskId: t.id, owner: workerId, echo: o.echo }).finally(() => prechecking.delete(t.id));
    }
  };

  // Tasks that run but have no shard rows yet (just started, or resumed from another version).
  const layOutNewTasks = async () => {
    const tasks = await getDb().task.findMany({ where: { state: { in: ["initializing", "synchronizing"] }, shardLeases: { none: {} } }, select: { id: true, name: true } });
    for (const t of tasks) {
      try {
        await relayOut(t.id);
      } catch (err) {
        o.echo("warn", `task "${t.name}": its source masters could not be listed: ${describeError(err)}`);
      }
    }
  };

  // One shard per tick, up to the fair share among live workers: workers started together spread
  // the shards instead of the first one taking them all.
  const claimOne = async () => {
    if (o.signal.aborted || runners.size >= o.maxShards) return;
    const [workers, shards] = await Promise.all([findWorkers({ aliveMs: ALIVE_MS }), countRunningShards()]);
    const fair = Math.ceil(shards / Math.max(1, workers.length));
    if (runners.size >= fair) return;
    const sentAt = Date.now();
    const lease = await claimShardLease({ workerId, worker: o.name, ttlMs: LEASE_MS });
    if (!lease) return;
    emit({ event: "claimed", taskId: lease.taskId, shard: lease.shard, from: lease.previous });
    o.echo("info", `took shard ${lease.shard} (${lease.source}) of task ${lease.taskId}${lease.previous ? ` from ${lease.previous}` : ""}`);
    await addTaskEvent({ taskId: lease.taskId, level: "info", message: `worker ${o.name} runs shard ${lease.source}${lease.previous ? ` (taken over from ${lease.previous})` : ""}` }).catch(() => {});
    const runner = new ShardRunner(lease, { workerId, dataDir: o.dataDir, validUntil: sentAt + LEASE_MS - SAFETY_MS, echo: o.echo });
    runners.set(lease.id, runner);
    if (lease.position === 0 && !taskWide.has(lease.taskId)) taskWide.set(lease.taskId, new TaskWideWork(lease.taskId, { echo: o.echo, onStatus: o.onTaskStatus }));
    void runner.ended.then((how) => ended(runner, how));
  };

  // Local and independent of the database: a worker cut off from PostgreSQL stops writing in time
  // even when its queries hang rather than fail.
  const guard = setInterval(() => {
    const now = Date.now();
    for (const r of runners.values()) {
      if (!r.aborted && now > r.validUntil) {
        emit({ event: "stopped-writing", taskId: r.lease.taskId, shard: r.lease.shard, reason: "lease not confirmed in time" });
        r.abort(`the shard's lease could not be confirmed for ${Math.round((now - r.validUntil + LEASE_MS - SAFETY_MS) / 1000)} s (database unreachable)`);
      }
    }
  }, 200);

  emit({ event: "started" });
  o.echo("info", `worker ${o.name} started (up to ${o.maxShards} shards)`);
  const timer = setInterval(() => void tick(), TICK_MS);
  void tick();
  await new Promise<void>((resolve) => (o.signal.aborted ? resolve() : o.signal.addEventListener("abort", () => resolve(), { once: true })));
  clearInterval(timer);
  // SIGTERM: every shard saves its final checkpoint (still under its lease), then is given back.
  const ending = [...runners.values()];
  for (const r of ending) r.stop();
  await Promise.all(ending.map((r) => r.ended));
  clearInterval(guard);
  for (const w of taskWide.values()) w.close();
  await new Promise((r) => setTimeout(r, 50));
  for (const r of ending) if (await releaseShardLease({ id: r.lease.id, workerId }).catch(() => false)) emit({ event: "released", taskId: r.lease.taskId, shard: r.lease.shard, reason: "worker stopped" });
  await deleteWorker({ id: workerId }).catch(() => {});
  emit({ event: "stopped" });
}
