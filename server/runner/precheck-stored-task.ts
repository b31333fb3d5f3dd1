import "server-only";
import { runPrecheck, PRECHECK_ITEMS, type PrecheckResult } from "../engine/precheck";
import { createPrecheckRun } from "../db/precheck/create-precheck-run";
import { updatePrecheckItem } from "../db/precheck/update-precheck-item";
import { finishPrecheckRun } from "../db/precheck/finish-precheck-run";
import { findTasks } from "../db/task/find-tasks";
import { RUNNING_STATES, isIn } from "../../contracts/task-state-machine";
import { loadTaskConfig } from "./task-config";

export interface PrecheckStoredTaskOptions {
  taskId: string;
  /** overrides the task's conflict mode (a resumed task's own keys are no conflict) */
  conflict?: "intercept" | "ignore";
}

/** Runs the precheck for a stored task and stores the run with its items (the wizard shows the latest). */
export async function precheckStoredTask({ taskId, conflict }: PrecheckStoredTaskOptions): Promise<PrecheckResult & { runId: string }> {
  const cfg = await loadTaskConfig(taskId, "");
  const run = await createPrecheckRun({
    taskId,
    items: PRECHECK_ITEMS.map((i) => ({ itemId: i.id, name: i.name, status: "pending", message: "", fix: "" })),
  });
  const others = (await findTasks({})).filter((t) => t.id !== taskId && isIn(RUNNING_STATES, t.state) && t.destination);
  const result = await runPrecheck({
    source: cfg.source,
    target: cfg.target,
    dbs: cfg.dbs,
    dbMap: cfg.dbMap,
    conflict: conflict ?? cfg.conflict,
    sourceReader: cfg.sourceReader,
    keyFilter: cfg.keyFilter,
    limits: cfg.limits,
    taskId,
    otherTaskTargets: others.map((t) => ({ taskName: t.name, host: t.destination!.host, port: t.destination!.port })),
  });
  for (const item of result.items) {
    await updatePrecheckItem({ runId: run.id, itemId: item.id, status: item.status, message: item.message, fix: item.fix });
  }
  await finishPrecheckRun({ runId: run.id });
  return { ...result, runId: run.id };
}
