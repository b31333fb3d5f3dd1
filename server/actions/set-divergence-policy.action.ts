"use server";

import { DtsError } from "@/server/errors";
import { operatorAction } from "@/server/auth/operator-action";
import { getTask } from "@/server/db/task/get-task";
import { mergeTaskOptions } from "@/server/db/task/merge-task-options";
import { addTaskEvent } from "@/server/db/task-event/add-task-event";
import { ZSetDivergencePolicySchema } from "@/contracts/configure-task.types";
import { RUNNING_STATES, isIn } from "@/contracts/task-state-machine";
import { DIVERGENCE_POLICY_SHORT } from "@/contracts/divergence-policy";
import { taskStateOf } from "@/server/console/wizard-task";

/**
 * Changes what a refused or inexact write does, on a task the engine is not running (it reads the
 * policy when it starts): the way out of a pause by the policy without fixing the destination first.
 */
export const setDivergencePolicyAction = operatorAction(ZSetDivergencePolicySchema, async ({ id, onInexact }, { operator }) => {
  const task = await getTask({ id });
  if (!task) throw new DtsError("INVALID_CONFIG", "This task no longer exists.");
  const state = taskStateOf(task.state);
  if (isIn(RUNNING_STATES, state) || state === "finished") {
    throw new DtsError("INVALID_CONFIG", "The policy for refused or inexact writes can be changed while the task is paused, failed or not started: pause it first.");
  }
  await mergeTaskOptions({ id, options: { onInexact } });
  await addTaskEvent({ taskId: id, level: "info", message: `When a write is refused or cannot be applied exactly: "${DIVERGENCE_POLICY_SHORT[onInexact]}", set by ${operator.username}.` });
  return { id, onInexact };
});
