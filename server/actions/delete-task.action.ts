"use server";

import { operatorAction } from "@/server/auth/operator-action";
import { deleteTask } from "@/server/tasks/delete-task";
import { ZTaskIdInputSchema } from "@/contracts/task.types";

/**
 * Deletes a task. A running engine stops first, so it writes no checkpoint (nor heartbeat) for a task
 * that is gone; then the task's own keys leave both sides (best effort: what could not be removed is
 * returned as warnings, the task is deleted all the same).
 */
export const deleteTaskAction = operatorAction(ZTaskIdInputSchema, async ({ id }, { operator }) => {
  const { warnings } = await deleteTask({ id });
  // Its events go with it: the server log keeps who deleted it.
  console.log(`task ${id} deleted by ${operator.username}`);
  return { id, warnings };
});
