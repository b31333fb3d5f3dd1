import "server-only";
import { getLatestPrecheckRun } from "@/server/db/precheck/get-latest-precheck-run";
import { getTask } from "@/server/db/task/get-task";
import { WIZARD_STEPS } from "@/contracts/configure-task.types";
import { precheckFailure, precheckInFlight } from "./wizard-precheck";
import { taskStateOf } from "./wizard-task";
import { CONFIGURABLE_STATES, isIn } from "@/contracts/task-state-machine";
import type { PrecheckItemView, PrecheckRunView, PrecheckView } from "@/contracts/precheck-view.types";
import { ZSourceReaderSchema } from "@/contracts/task.types";

const ITEM_STATUSES = new Set(["pending", "passed", "warning", "failed"]);

/** The latest precheck of a task as the wizard and the status page show it, and whether Start is allowed. */
export async function precheckView(taskId: string): Promise<PrecheckView | null> {
  const [task, latest] = await Promise.all([getTask({ id: taskId }), getLatestPrecheckRun({ taskId })]);
  if (!task) return null;
  const flight = precheckInFlight(taskId);
  // While a new run is being set up, the previous one is not its result.
  const current = latest && !(flight && latest.startedAt < flight.since) ? latest : null;
  const run: PrecheckRunView | null = current && {
    id: current.id,
    status: current.status === "running" ? (flight ? "running" : "interrupted") : current.status === "passed" ? "passed" : "failed",
    startedAt: current.startedAt.toISOString(),
    finishedAt: current.finishedAt?.toISOString() ?? null,
    items: current.items.map((i) => ({
      itemId: i.itemId,
      name: i.name,
      status: (ITEM_STATUSES.has(i.status) ? i.status : "failed") as PrecheckItemView["status"],
      message: i.message,
      fix: i.fix,
    })),
  };
  const failure = precheckFailure(taskId);
  const state = taskStateOf(task.state);
  let startBlocked: string | null = null;
  if (!isIn(CONFIGURABLE_STATES, state)) startBlocked = "The task has already been started.";
  else if (task.wizardStep < WIZARD_STEPS.length) startBlocked = "Finish the configuration steps first; the last one runs the precheck.";
  else if (flight) startBlocked = "The precheck is running.";
  else if (!run) startBlocked = "Run the precheck first.";
  else if (run.status === "interrupted") startBlocked = "The last precheck was interrupted; run it again.";
  else if (run.status === "failed") startBlocked = "The task can start only when no precheck item failed. Fix the failed items and click Precheck Again.";
  return {
    running: Boolean(flight),
    run,
    failure: failure && (!latest || failure.at > latest.startedAt) ? failure.message : null,
    canStart: startBlocked === null,
    startBlocked,
    sourceReader: ZSourceReaderSchema.catch("psync").parse(task.sourceReader),
  };
}
