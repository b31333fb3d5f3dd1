import "server-only";
import { notFound, redirect } from "next/navigation";
import { requireOperator } from "@/server/auth/require-operator";
import { getTask } from "@/server/db/task/get-task";
import { getEndpoints } from "@/server/db/endpoint/get-endpoints";
import { DtsError } from "@/server/errors";
import { WIZARD_STEPS } from "@/contracts/configure-task.types";
import { ZTaskStateSchema, type TTaskState } from "@/contracts/task.types";
import { CONFIGURABLE_STATES, isIn } from "@/contracts/task-state-machine";


export function stepPath(taskId: string, step: number): string {
  const s = WIZARD_STEPS.find((w) => w.n === step) ?? WIZARD_STEPS[0];
  return `/tasks/${encodeURIComponent(taskId)}/configure/${s.slug}`;
}

export function taskStateOf(state: string): TTaskState {
  const parsed = ZTaskStateSchema.safeParse(state);
  return parsed.success ? parsed.data : "failed";
}

/**
 * For a wizard page: the signed-in operator, the task and its endpoints (no passwords). A task the
 * engine works on goes to its status page; a step not reached yet goes to the furthest step saved,
 * so a reload or a typed address never skips the whitelist probe or the precheck.
 */
export async function loadWizardTask(id: string, step: number) {
  // Viewers read the status page; the wizard changes the task.
  await requireOperator(stepPath(id, step), { role: "operator", elsewhere: `/tasks/${encodeURIComponent(id)}` });
  const task = await getTask({ id });
  if (!task) notFound();
  const state = taskStateOf(task.state);
  if (!isIn(CONFIGURABLE_STATES, state)) redirect(`/tasks/${encodeURIComponent(id)}?notice=not-configurable`);
  const reached = Math.min(Math.max(task.wizardStep, 1), WIZARD_STEPS.length);
  if (step > reached) redirect(stepPath(id, reached));
  const endpoints = await getEndpoints({ taskId: id });
  const { endpoints: _rows, ...rest } = task;
  return { task: { ...rest, state }, endpoints };
}

/** For a wizard action: the task, if it may still be configured (else one sentence). */
export async function configurableTask(id: string) {
  const task = await getTask({ id });
  if (!task) throw new DtsError("INVALID_CONFIG", "This task no longer exists.");
  if (!isIn(CONFIGURABLE_STATES, taskStateOf(task.state))) {
    throw new DtsError("INVALID_CONFIG", "Only a task that has not started, failed its precheck or failed can be reconfigured; this one is running, paused or finished.");
  }
  return task;
}
