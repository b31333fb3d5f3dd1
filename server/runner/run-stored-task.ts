import "server-only";
import os from "node:os";
import { DtsError, describeError } from "../errors";
import { SyncTask, type SyncSnapshot } from "../engine/sync/sync-task";
import { claimTaskLease } from "../db/task/claim-task-lease";
import { releaseTaskLease } from "../db/task/release-task-lease";
import { takeOverTaskLease } from "../db/task/take-over-task-lease";
import { getTask } from "../db/task/get-task";
import { setTaskState } from "../db/task/set-task-state";
import { getCheckpoints } from "../db/checkpoint/get-checkpoints";
import { addMetricSample } from "../db/metric/add-metric-sample";
import { addTaskEvent } from "../db/task-event/add-task-event";
import { loadTaskConfig } from "./task-config";
import { getTaskSpeedLimits } from "../db/task/get-task-speed-limits";
import { dbSyncStore } from "./db-sync-store";
import { precheckStoredTask } from "./precheck-stored-task";
import { removeStoredTaskKeys } from "./remove-stored-task-keys";
import { describeLeaseHolder, leaseHolderIsGone, ownLeaseHolder } from "./lease-holder";
import { keepPruning, retentionSettings } from "./retention";
import { evaluateTaskAlerts } from "./alerts/evaluate-task-alerts";

export interface RunStoredTaskOptions {
  taskId: string;
  dataDir: string;
  /** aborting stops the task cleanly after a final checkpoint; its state becomes `stopState` */
  signal: AbortSignal;
  stopState?: "paused" | "finished";
  /** called at least every second with the task's status */
  onStatus?(status: SyncSnapshot): void;
  /** also print events (CLI) */
  echo?(level: string, message: string): void;
  skipPrecheck?: boolean;
  /**
   * Runs once the lease is ours, before the task's configuration is read: the place to store
   * settings (the CLI's flags), so a process that is refused the task never changes it.
   */
  prepare?(): Promise<void>;
  /**
   * When another process holds the task: wait until its lease is free (the holder stopped, died or
   * let its lease expire) instead of failing. `onWaiting` hears once why it waits.
   */
  waitForLease?: boolean;
  onWaiting?(message: string): void;
}

const LEASE_MS = 30_000;
/** how often a running task reads its stored speed limits: a change takes effect within this */
const LIMITS_POLL_MS = 500;
const owner = ownLeaseHolder();

// short: a failed precheck waits for it (the stored run is complete before the state says so), and
// so does the end of a task stopped within its first moments
const ENGINE_START_SAMPLE_MS = 250;
/** the longest the start's bookkeeping waits for the shards' PSYNC (see storeAfter) */
const STORE_AFTER_PSYNC_MAX_MS = 500;

/**
 * Runs a stored task in this process until stopped or failed: lease, precheck, the engine, and the
 * task's state, events and metrics in the database. The CLI `sync` and the console's engine process
 * both run tasks through here.
 */
export async function runStoredTask(o: RunStoredTaskOptions): Promise<SyncSnapshot> {
  // After a passed precheck its items, the task's state, its events and its first status are stored
  // once every shard has sent PSYNC: that work (~30 SQL statements in a traced 1-key start) ran on
  // the one thread between the verdict and PSYNC, 33-36 ms of it (median of 11 starts, a slow host).
  let releaseStorage: () => void = () => {};
  const storeAfter = new Promise<void>((resolve) => (releaseStorage = resolve));
  const store = dbSyncStore(o.taskId, o.echo, storeAfter);
  // read first: a bad setting is an error before anything is touched
  const retention = retentionSettings();
  let holder = await claimLease(o.taskId);
  if (holder !== null && o.waitForLease) holder = await waitForLease(o.taskId, holder, o.signal, o.onWaiting);
  if (holder !== null) {
    const name = (await getTask({ id: o.taskId }))?.name ?? o.taskId;
    // said where the operators of both processes look: the task's events
    await addTaskEvent({ taskId: o.taskId, level: "warn", message: `another redis-dts process (${describeLeaseHolder(owner)}) was refused this task: it is being run by ${describeHolder(holder)}` }).catch(() => {});
    throw new DtsError("CONFLICT", `task "${name}" is already being run by another redis-dts process (${describeHolder(holder)}); stop it first`);
  }
  const renew = setInterval(() => void claimTaskLease({ id: o.taskId, owner, ttlMs: LEASE_MS }).catch(() => {}), LEASE_MS / 3);
  const stopPruning = keepPruning({ settings: retention, taskId: o.taskId, onError: (m) => store.log("warn", m), after: storeAfter });
  let precheckLater: Promise<void> | undefined;
  const idle: SyncSnapshot = {
    state: "prechecking",
    fullSync: { keys: 0, bytes: 0, totalBytes: null, done: false },
    shards: [],
    latencyMs: null,
    opsPerSec: 0,
    warnings: [],
    divergence: { policy: "pause", refused: 0, inexact: 0, shards: [], recent: [] },
    limits: {},
  };
  try {
    await o.prepare?.();
    const cfg = await loadTaskConfig(o.taskId, o.dataDir);
    idle.divergence.policy = cfg.onDivergence ?? "pause";
    const checkpoints = await getCheckpoints({ taskId: o.taskId });
    const resumable = checkpoints.some((c) => c.phase === "incremental");
    // Any checkpoint means this task already wrote to the destination (an interrupted full sync
    // included): the keys found there are its own, not a conflict.
    const startedBefore = checkpoints.length > 0;
    // the precheck of every engine start: null when it passed, else the snapshot to end with
    const precheckFailure = async (): Promise<SyncSnapshot | null> => {
      await setTaskState({ id: o.taskId, move: "engine-precheck", state: "prechecking" });
      o.onStatus?.(idle);
      // this precheck stands between the start and the first byte copied, every time: the backlog
      // advice, which can only warn, samples the source's write rate while the task starts
      const result = await precheckStoredTask({ taskId: o.taskId, conflict: startedBefore ? "ignore" : cfg.conflict, sampleMs: ENGINE_START_SAMPLE_MS, deferred: ["source_backlog"], storeAfter, cfg });
      const notStored = (err: unknown) => store.log("warn", `the precheck's last items were not stored: ${describeError(err)}`);
      if (!result.passed) {
        releaseStorage();
        // the stored run shows every item before the task's state says it failed, and the message
        // names the deferred items that failed too
        const late = (await result.later?.catch((err) => (notStored(err), []))) ?? [];
        const failedItems = [...result.items, ...late].filter((i) => i.status === "failed");
        // each failed item with its fix: a script reading the status line learns what to do
        const message = `precheck failed: ${failedItems.map((i) => `${i.name}: ${i.message}${i.fix ? ` Fix: ${i.fix}` : ""}`).join("; ")}`;
        store.log("error", message);
        await setTaskState({ id: o.taskId, move: "engine-precheck", state: "precheck_failed", error: { code: "PRECHECK_FAILED", message } });
        const snap = { ...idle, state: "precheck_failed" as const, error: message };
        o.onStatus?.(snap);
        return snap;
      }
      precheckLater = result.later?.then((items) => {
        for (const i of items.filter((i) => i.status === "failed")) store.log("error", `precheck item "${i.name}" failed after the start: ${i.message}${i.fix ? ` Fix: ${i.fix}` : ""}`);
      }, notStored);
      return null;
    };
    // The task sets itself up (topologies, command tables, writer connections: reads only) while
    // the precheck runs, and asks its sources for data only once it passed (SyncTask's startGate).
    let openGate: (open: boolean) => void = () => {};
    const startGate = new Promise<boolean>((resolve) => (openGate = resolve));
    // the status is reported every 100 ms, and at once when a shard's full sync ends (the moment
    // operators and scripts wait for); reportNow is set below, before the gate opens
    let reportNow: () => void = () => {};
    let task: SyncTask;
    try {
      task = new SyncTask(cfg, store, () => reportNow(), startGate);
    } catch (err) {
      // a bad setting (a key filter pattern): the precheck names it, if it runs
      if (o.skipPrecheck) throw err;
      const failed = await precheckFailure();
      if (failed) return failed;
      throw err;
    }
    const onAbort = () => task.stop();
    o.signal.addEventListener("abort", onAbort, { once: true });
    // a stop asked for during the precheck or the start-up is not missed
    if (o.signal.aborted) task.stop();
    const running = task.run().then(
      () => undefined,
      // the snapshot carries the error; recorded below
      () => undefined,
    );
    // the task does not start: it closes what its set-up opened
    const abandon = async () => {
      releaseStorage();
      openGate(false);
      await running;
      o.signal.removeEventListener("abort", onAbort);
    };
    try {
      const failed = o.skipPrecheck ? null : await precheckFailure();
      if (failed) {
        await abandon();
        return failed;
      }
    } catch (err) {
      await abandon();
      throw err;
    }
    openGate(true);
    // bounded: a source that is slow to take PSYNC (or a shard that retries) does not hold the status back
    await Promise.race([task.asked, new Promise((resolve) => setTimeout(resolve, STORE_AFTER_PSYNC_MAX_MS).unref())]);
    releaseStorage();
    const started = setTaskState({ id: o.taskId, move: "engine-start", state: resumable ? "synchronizing" : "initializing" });
    store.log("info", resumable ? "task resumed from its checkpoints" : "task started");
    let stored = resumable ? "synchronizing" : "initializing";
    let lastMetric = 0;
    let lastStatusAt = 0;
    let lastState = "";
    let alerting = false;
    const report = async () => {
      const snap = task.snapshot();
      // A status at least every second, and at once when the state changes (the operator and
      // scripts waiting for "synchronizing" should not wait for the next second).
      if (snap.state === lastState && Date.now() - lastStatusAt < 1000) return;
      lastState = snap.state;
      lastStatusAt = Date.now();
      o.onStatus?.(snap);
      // the task's alert rules, once a second, by the process that runs it; in the background, so a slow
      // database never holds up the status (one evaluation at a time)
      if (!alerting) {
        alerting = true;
        void evaluateTaskAlerts(o.taskId, { state: snap.state, latencyMs: snap.latencyMs, refused: snap.divergence.refused, inexact: snap.divergence.inexact })
          .catch((err) => store.log("warn", `alert rules not evaluated: ${describeError(err)}`))
          .finally(() => (alerting = false));
      }
      if (snap.state !== stored && (snap.state === "synchronizing" || snap.state === "initializing")) {
        stored = snap.state;
        await setTaskState({ id: o.taskId, move: "engine-progress", state: snap.state });
      }
      if (Date.now() - lastMetric >= 5000) {
        lastMetric = Date.now();
        const lag = snap.shards.reduce((n, s) => n + Math.max(0, (s.offset ?? 0) - (s.appliedOffset ?? s.offset ?? 0)), 0);
        await addMetricSample({ taskId: o.taskId, opsPerSec: snap.opsPerSec, latencyMs: snap.latencyMs, keys: snap.fullSync.keys, bytes: snap.fullSync.bytes, lagBytes: lag });
      }
    };
    reportNow = () => void report().catch((err) => o.echo?.("warn", `status not stored: ${describeError(err)}`));
    const timer = setInterval(reportNow, 100);
    reportNow();
    try {
      await started;
    } catch (err) {
      // the database refused the start: the task stops before it copies anything more
      clearInterval(timer);
      task.stop();
      await running;
      o.signal.removeEventListener("abort", onAbort);
      throw err;
    }
    // speed limits changed from the status page (or another process) are stored: read every second
    let limitsRead: Promise<unknown> | null = null;
    let limitsUnread = false;
    const limitsTimer = setInterval(() => {
      limitsRead ??= getTaskSpeedLimits({ id: o.taskId })
        .then((l) => l && task.setLimits(l))
        // a limit changed in the console must not be ignored unseen: said once per failing streak
        .then(() => (limitsUnread = false), (err) => {
          if (!limitsUnread) store.log("warn", `the stored speed limits could not be read (${describeError(err)}); the limits in force stay until they can`);
          limitsUnread = true;
        })
        .finally(() => (limitsRead = null));
    }, LIMITS_POLL_MS);
    try {
      await running;
    } finally {
      clearInterval(timer);
      clearInterval(limitsTimer);
      o.signal.removeEventListener("abort", onAbort);
    }
    const final = task.snapshot();
    if (final.state === "failed") {
      await setTaskState({ id: o.taskId, move: "engine-end", state: "failed", error: { code: final.divergence.haltedBy ? "DIVERGENCE" : undefined, message: final.error ?? "the task failed" } });
    } else if (final.divergence.haltedBy) {
      // the divergence policy paused it: the reason stays on the task until it is resumed
      final.state = "paused";
      final.error = `paused at a refused or inexact write: ${final.divergence.haltedBy}`;
      await setTaskState({ id: o.taskId, move: "engine-end", state: "paused", error: { code: "DIVERGENCE", message: final.error } });
    } else {
      final.state = o.stopState ?? "paused";
      await setTaskState({ id: o.taskId, move: "engine-end", state: final.state });
      store.log("info", final.state === "paused" ? "task paused; it resumes from its checkpoints" : "task finished");
      // the engine is stopped: its heartbeat can no longer write the key again
      if (final.state === "finished") await removeStoredTaskKeys({ taskId: o.taskId, log: (level, m) => store.log(level, m) });
    }
    o.onStatus?.(final);
    await evaluateTaskAlerts(o.taskId, { state: final.state, latencyMs: null, refused: final.divergence.refused, inexact: final.divergence.inexact }).catch((err) =>
      store.log("warn", `alert rules not evaluated at the end: ${describeError(err)}`),
    );
    return final;
  } finally {
    // a start that ends before its PSYNC does not begin pruning on its way out
    stopPruning();
    releaseStorage();
    await precheckLater;
    clearInterval(renew);
    await store.flush();
    await releaseTaskLease({ id: o.taskId, owner }).catch(() => {});
  }
}

/**
 * Runs `fn` while holding the task's lease, for what must not happen while an engine runs the task
 * (finishing or deleting it from the CLI): refused with CONFLICT, naming the holder, otherwise.
 */
export async function withTaskLease<T>(taskId: string, name: string, fn: () => Promise<T>): Promise<T> {
  const holder = await claimLease(taskId);
  if (holder !== null) throw new DtsError("CONFLICT", `task "${name}" is being run by another redis-dts process (${describeHolder(holder)}); stop it first`);
  try {
    return await fn();
  } finally {
    await releaseTaskLease({ id: taskId, owner }).catch(() => {});
  }
}

interface Holder {
  owner: string;
  expiresAt: Date | null;
}

/**
 * Takes the task's lease; a lease left by a process of this machine that no longer runs (killed
 * with -9 and not yet reaped, a pid since given to another process, a console restart) is taken over
 * at once instead of waiting for it to expire. Returns null when the lease is ours, else who holds it.
 */
async function claimLease(taskId: string): Promise<Holder | null> {
  if (await claimTaskLease({ id: taskId, owner, ttlMs: LEASE_MS })) return null;
  const task = await getTask({ id: taskId });
  const holder: Holder = { owner: task?.leaseOwner ?? "another process", expiresAt: task?.leaseExpiresAt ?? null };
  if (!task?.leaseOwner || !leaseHolderIsGone(task.leaseOwner)) return holder;
  return (await takeOverTaskLease({ id: taskId, from: task.leaseOwner, owner, ttlMs: LEASE_MS })) ? null : holder;
}

/** Polls for the lease until it is ours (null) or the signal aborts (the holder then). */
async function waitForLease(taskId: string, first: Holder, signal: AbortSignal, onWaiting?: (message: string) => void): Promise<Holder | null> {
  onWaiting?.(`waiting for ${describeHolder(first)} to stop running this task`);
  let holder: Holder | null = first;
  while (holder !== null && !signal.aborted) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, 1000);
      signal.addEventListener("abort", done, { once: true });
      function done() {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      }
    });
    if (!signal.aborted) holder = await claimLease(taskId);
  }
  return holder;
}

/**
 * "process 1234 on host"; for a holder on another machine (nothing here can tell whether it still
 * runs) also when its lease expires, which is when it is considered gone if it stopped renewing it.
 */
function describeHolder(holder: Holder): string {
  const who = describeLeaseHolder(holder.owner);
  const h = holder.owner.split(":")[0];
  if (h === hostname() || !holder.expiresAt) return who;
  return `${who}; its lease expires at ${holder.expiresAt.toISOString()} unless that process renews it`;
}

function hostname(): string {
  return owner.split(":")[0];
}
