import "server-only";
import { runPrecheck, PRECHECK_ITEMS, type PrecheckResult } from "../engine/precheck";
import { createPrecheckRun } from "../db/precheck/create-precheck-run";
import { recordPrecheckItems } from "../db/precheck/record-precheck-items";
import { finishPrecheckRun } from "../db/precheck/finish-precheck-run";
import { findTasks } from "../db/task/find-tasks";
import { RUNNING_STATES, isIn } from "../../contracts/task-state-machine";
import { loadTaskConfig } from "./task-config";

export interface PrecheckStoredTaskOptions {
  taskId: string;
  /** overrides the task's conflict mode (a resumed task's own keys are no conflict) */
  conflict?: "intercept" | "ignore";
  /** how long the source's write rate is sampled (the backlog item); the precheck's own default when unset */
  sampleMs?: number;
}

/** Runs the precheck for a stored task and stores the run with its items (the wizard shows the latest). */
export async function precheckStoredTask({ taskId, conflict, sampleMs }: PrecheckStoredTaskOptions): Promise<PrecheckResult & { runId: string }> {
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
    sampleMs,
    otherTaskTargets: others.map((t) => ({ taskName: t.name, host: t.destination!.host, port: t.destination!.port })),
  });
  await recordPrecheckItems({ runId: run.id, items: result.items.map((i) => ({ itemId: i.id, status: i.status, message: i.message, fix: i.fix })) });
  await finishPrecheckRun({ runId: run.id });
  return { ...result, runId: run.id };
}
