import "server-only";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { SyncSnapshot } from "../engine/sync/sync-task";
import { projectRoot } from "../paths";
import { addTaskEvent } from "../db/task-event/add-task-event";
import { setTaskState } from "../db/task/set-task-state";
import { findTasks } from "../db/task/find-tasks";

/**
 * The console's side of the engine: one `redis-dts run-task` process per running task. The pages ask
 * this host for live status; the engine process writes state, events, checkpoints and metrics to the
 * database itself, so a console restart loses nothing and picks the tasks up again (`resumeTasks`).
 */
interface Running {
  proc: ChildProcess;
  status: SyncSnapshot | null;
  updatedAt: number;
  stderrTail: string;
}

const g = globalThis as unknown as { __redisDtsEngines?: Map<string, Running>; __redisDtsResumed?: boolean };
const running = (g.__redisDtsEngines ??= new Map());

export function engineStatus(taskId: string): (SyncSnapshot & { live: boolean; updatedAt: number }) | null {
  const r = running.get(taskId);
  if (!r?.status) return null;
  return { ...r.status, live: r.proc.exitCode === null, updatedAt: r.updatedAt };
}

export function isEngineRunning(taskId: string): boolean {
  const r = running.get(taskId);
  return Boolean(r && r.proc.exitCode === null && r.proc.signalCode === null);
}

/** Starts the task's engine process (no-op when it already runs here). */
export function startEngine(taskId: string, opts: { skipPrecheck?: boolean } = {}): void {
  if (isEngineRunning(taskId)) return;
  const bin = path.join(projectRoot(), "bin", "redis-dts");
  const args = ["run-task", "--id", taskId, ...(opts.skipPrecheck ? ["--skip-precheck"] : [])];
  const proc = spawn(process.execPath, ["--conditions=react-server", "--liftoff-only", bin, ...args], {
    cwd: projectRoot(),
    env: process.env,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  const entry: Running = { proc, status: null, updatedAt: Date.now(), stderrTail: "" };
  running.set(taskId, entry);
  let buf = "";
  proc.stdout!.on("data", (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf("\n")) !== -1) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        entry.status = JSON.parse(line) as SyncSnapshot;
        entry.updatedAt = Date.now();
      } catch {
        // not a status line
      }
    }
  });
  proc.stderr!.on("data", (d: Buffer) => {
    entry.stderrTail = (entry.stderrTail + d.toString()).slice(-4000);
  });
  proc.on("error", (err) => void recordCrash(taskId, `the engine process could not start: ${err.message}`));
  // "close": after the last stderr line is read, which the crash message quotes
  proc.on("close", (code, signal) => {
    if (running.get(taskId) === entry && code !== 0 && code !== 1) {
      // 1 = the task failed or its precheck did, already recorded by the engine itself.
      const last = entry.stderrTail.trim().split("\n").slice(-1)[0] ?? "";
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
  if (!r || r.proc.exitCode !== null || r.proc.signalCode !== null) return true;
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
  if (!r || r.proc.exitCode !== null || r.proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => r.proc.once("exit", () => resolve()));
  if (r.proc.connected) r.proc.send({ stop: state });
  else r.proc.kill("SIGTERM");
  const timeout = setTimeout(() => r.proc.kill("SIGKILL"), 30_000);
  await exited;
  clearTimeout(timeout);
}

/** After a console start: tasks that were running start again (their engine resumes from checkpoints). */
export async function resumeTasks(): Promise<number> {
  if (g.__redisDtsResumed) return 0;
  g.__redisDtsResumed = true;
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

process.once("exit", () => {
  for (const r of running.values()) r.proc.kill("SIGTERM");
});
