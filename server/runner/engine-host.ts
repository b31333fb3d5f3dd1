import "server-only";
import type { ChildProcess } from "node:child_process";
import type { SyncSnapshot } from "../engine/sync/sync-task";
import { isAlive, keepTail, processRegistry, readJsonLines, spawnRedisDts, stopProcess } from "./child-process";
import { addTaskEvent } from "../db/task-event/add-task-event";
import { setTaskState } from "../db/task/set-task-state";
import { findTasks } from "../db/task/find-tasks";
import { engineMode } from "./engine-mode";

/**
 * The console's side of the engine: one `redis-dts run-task` process per running task. The pages ask
 * this host for live status; the engine process writes state, events, checkpoints and metrics to the
 * database itself, so a console restart loses nothing and picks the tasks up again (`resumeTasks`).
 */
interface Running {
  proc: ChildProcess;
  status: SyncSnapshot | null;
  updatedAt: number;
}

const g = globalThis as unknown as { __redisDtsResumed?: boolean };
const running = processRegistry<Running>("Engines");

export function engineStatus(taskId: string): (SyncSnapshot & { live: boolean; updatedAt: number }) | null {
  const r = running.get(taskId);
  if (!r?.status) return null;
  return { ...r.status, live: r.proc.exitCode === null, updatedAt: r.updatedAt };
}

export function isEngineRunning(taskId: string): boolean {
  const r = running.get(taskId);
  return Boolean(r && isAlive(r.proc));
}

/** Starts the task's engine process (no-op when it already runs here). */
export function startEngine(taskId: string, opts: { skipPrecheck?: boolean } = {}): void {
  // REDIS_DTS_ENGINE=workers: the `redis-dts worker` processes take the task's shards from the database
  if (engineMode() === "workers") return;
  if (isEngineRunning(taskId)) return;
  const args = ["run-task", "--id", taskId, ...(opts.skipPrecheck ? ["--skip-precheck"] : [])];
  const proc = spawnRedisDts(args, { stdout: "pipe" });
  const entry: Running = { proc, status: null, updatedAt: Date.now() };
  running.set(taskId, entry);
  // one status line per second (anything else on stdout is not a status line)
  readJsonLines(proc.stdout!, (status) => {
    entry.status = status as SyncSnapshot;
    entry.updatedAt = Date.now();
  });
  const stderr = keepTail(proc.stderr!, 4000);
  proc.on("error", (err) => void recordCrash(taskId, `the engine process could not start: ${err.message}`));
  // "close": after the last stderr line is read, which the crash message quotes
  proc.on("close", (code, signal) => {
    if (running.get(taskId) === entry && code !== 0 && code !== 1) {
      // 1 = the task failed or its precheck did, already recorded by the engine itself.
      const last = stderr.lastLine();
      void recordCrash(taskId, `the engine process ended unexpectedly (${signal ?? `exit ${code}`})${last ? `: ${last}` : ""}`);
    }
  });
}

async function recordCrash(taskId: string, message: string): Promise<void> {
  try {
    await addTaskEvent({ taskId, level: "error", message });
    await setTaskState({ id: taskId, move: "engine-died", state: "failed", error: { code: "INTERNAL", message } });
  } catch {
    // the console keeps serving even when the database is briefly unavailable
  }
}

/**
 * Waits until the task's engine process has exited (at once when none runs): an engine that paused
 * itself (the divergence policy) records the pause, then closes its connections. True when it is gone.
 */
export async function engineExited(taskId: string, timeoutMs: number): Promise<boolean> {
  const r = running.get(taskId);
  if (!r || !isAlive(r.proc)) return true;
  let timer: NodeJS.Timeout | undefined;
  const gone = await Promise.race([
    new Promise<boolean>((resolve) => r.proc.once("exit", () => resolve(true))),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
  ]);
  clearTimeout(timer);
  return gone;
}

/** Asks the engine to stop after a final checkpoint; resolves when it has exited. */
export async function stopEngine(taskId: string, state: "paused" | "finished"): Promise<void> {
  const r = running.get(taskId);
  if (!r) return;
  await stopProcess(r.proc, 30_000, () => (r.proc.connected ? r.proc.send({ stop: state }) : r.proc.kill("SIGTERM")));
}

/** After a console start: tasks that were running start again (their engine resumes from checkpoints). */
export async function resumeTasks(): Promise<number> {
  if (g.__redisDtsResumed) return 0;
  g.__redisDtsResumed = true;
  if (engineMode() === "workers") return 0;
  const tasks = await findTasks({});
  let n = 0;
  for (const t of tasks) {
    if (t.state === "initializing" || t.state === "synchronizing" || t.state === "prechecking") {
      startEngine(t.id, { skipPrecheck: t.state !== "prechecking" });
      n++;
    }
  }
  return n;
}
