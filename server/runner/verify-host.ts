import "server-only";
import type { ChildProcess } from "node:child_process";
import { DtsError, redact } from "../errors";
import { isAlive, keepTail, processRegistry, spawnRedisDts, stopProcess } from "./child-process";
import { createVerificationRun } from "../db/verification/create-verification-run";
import { findVerificationRuns } from "../db/verification/find-verification-runs";
import { updateVerificationRun } from "../db/verification/update-verification-run";

/**
 * The console's side of data verification: one `redis-dts verify-task` process per run (a comparison
 * reads every key of both sides; the console's thread stays free for the pages). The process writes
 * its progress and result into the VerificationRun row; this host only starts, cancels and notices a
 * process that died without saying so.
 */
interface Running {
  taskId: string;
  proc: ChildProcess;
}

const running = processRegistry<Running>("Verifications");

/** A run whose process has not written for this long is dead (it writes every 5 s). */
export const VERIFICATION_STALE_MS = 30_000;

export function isVerificationRunning(runId: string): boolean {
  const r = running.get(runId);
  return Boolean(r && isAlive(r.proc));
}

export async function startVerification(taskId: string, mode: "full" | "quick", rounds = 3): Promise<string> {
  for (const [, r] of running) {
    if (r.taskId === taskId && isAlive(r.proc)) {
      throw new DtsError("INVALID_CONFIG", "A verification of this task is already running; wait for it or cancel it.");
    }
  }
  const run = await createVerificationRun({ taskId, mode });
  await updateVerificationRun({ id: run.id, summary: { mode, rounds, heartbeatAt: new Date().toISOString() } });
  const args = ["verify-task", "--id", taskId, "--run", run.id, "--mode", mode, "--rounds", String(rounds)];
  const proc = spawnRedisDts(args, { stdout: "ignore" });
  running.set(run.id, { taskId, proc });
  const stderr = keepTail(proc.stderr!, 2000);
  const fail = (message: string) => void markIfStillRunning(taskId, run.id, message);
  proc.on("error", (err) => fail(`The verification process could not start: ${err.message}`));
  // "close": after the last stderr line is read, which the crash message quotes
  proc.on("close", (code, signal) => {
    running.delete(run.id);
    // 0 and 1 are "equal" and "different or failed", both recorded by the process itself.
    if (code !== 0 && code !== 1) {
      const last = stderr.lastLine();
      fail(`The verification process ended unexpectedly (${signal ?? `exit ${code}`})${last ? `: ${redact(last)}` : ""}`);
    }
  });
  return run.id;
}

/** Cancels a running verification; resolves when its process has recorded it and exited. */
export async function cancelVerification(runId: string): Promise<boolean> {
  const r = running.get(runId);
  if (!r || !isAlive(r.proc)) return false;
  await stopProcess(r.proc, 10_000);
  return true;
}

async function markIfStillRunning(taskId: string, runId: string, message: string): Promise<void> {
  try {
    const run = (await findVerificationRuns({ taskId })).find((r) => r.id === runId);
    if (run?.status === "running") await updateVerificationRun({ id: runId, status: "failed", error: message, finished: true });
  } catch {
    // the console keeps serving even when the database is briefly unavailable
  }
}
