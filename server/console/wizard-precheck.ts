import "server-only";
import { describeError } from "@/server/errors";
import { precheckStoredTask } from "@/server/runner/precheck-stored-task";
import { getCheckpoints } from "@/server/db/checkpoint/get-checkpoints";
import { setTaskState } from "@/server/db/task/set-task-state";
import { addTaskEvent } from "@/server/db/task-event/add-task-event";
import { SCAN_REPLID } from "@/server/engine/sync/source-reader";

/**
 * Prechecks started from the console (the wizard's Precheck step, "Precheck Again" on the status
 * page). They run in the console process: they only wait on the network, and an operator is looking
 * at them. At most one per task at a time; the state lives on globalThis because Next may load this
 * module more than once (route handlers and server actions are separate bundles).
 */
interface InFlight {
  since: Date;
  done: Promise<void>;
}

const g = globalThis as unknown as { __redisDtsPrechecks?: Map<string, InFlight>; __redisDtsPrecheckErrors?: Map<string, { at: Date; message: string }> };
const inFlight = (g.__redisDtsPrechecks ??= new Map());
const failures = (g.__redisDtsPrecheckErrors ??= new Map());

/** Why the last console precheck of the task could not even start, if it could not. */
export function precheckFailure(taskId: string): { at: Date; message: string } | undefined {
  return failures.get(taskId);
}

export function precheckInFlight(taskId: string): InFlight | undefined {
  return inFlight.get(taskId);
}

/** Starts a precheck for the task unless one runs already; returns when it started. */
export function startConsolePrecheck(taskId: string, operator: string): InFlight {
  const running = inFlight.get(taskId);
  if (running) return running;
  const entry: InFlight = { since: new Date(), done: Promise.resolve() };
  entry.done = run(taskId, operator).finally(() => inFlight.delete(taskId));
  inFlight.set(taskId, entry);
  return entry;
}

async function run(taskId: string, operator: string): Promise<void> {
  failures.delete(taskId);
  try {
    // A task that synchronized before finds its own keys on the destination: no conflict (as the engine decides).
    // (the scan reader's rows say it copied before: it copies again over its own keys)
    const resumable = (await getCheckpoints({ taskId })).some((c) => c.phase === "incremental" || c.replid === SCAN_REPLID);
    const result = await precheckStoredTask({ taskId, ...(resumable && { conflict: "ignore" as const }) });
    const failed = result.items.filter((i) => i.status === "failed");
    const warnings = result.items.filter((i) => i.status === "warning").length;
    if (failed.length === 0) {
      await setTaskState({ id: taskId, move: "precheck-passed", state: "not_started" });
      await addTaskEvent({ taskId, level: "info", message: `Precheck passed${warnings ? ` with ${warnings} warning${warnings === 1 ? "" : "s"}` : ""} (run by ${operator}).` });
    } else {
      const message = `Precheck failed: ${failed.map((i) => i.name).join(", ")}.`;
      await setTaskState({ id: taskId, move: "precheck-failed", state: "precheck_failed", error: { code: "PRECHECK_FAILED", message } });
      await addTaskEvent({ taskId, level: "error", message: `${message} (run by ${operator})`, code: "PRECHECK_FAILED" });
    }
  } catch (err) {
    // The precheck stores its own failed items; this is for a failure before it could (the task vanished, the database).
    const message = `The precheck could not run: ${describeError(err)}`;
    failures.set(taskId, { at: new Date(), message });
    await addTaskEvent({ taskId, level: "error", message }).catch(() => {});
  }
}
