"use server";

import { DtsError } from "@/server/errors";
import { operatorAction } from "@/server/auth/operator-action";
import { isEngineRunning, stopEngine } from "@/server/runner/engine-host";
import { deleteTask } from "@/server/db/task/delete-task";
import { ZTaskIdInputSchema } from "@/contracts/task.types";
import { removeStoredTaskKeys } from "@/server/runner/remove-stored-task-keys";

/**
 * Deletes a task. A running engine stops first, so it writes no checkpoint (nor heartbeat) for a task
 * that is gone; then the task's own keys leave both sides (best effort: what could not be removed is
 * returned as warnings, the task is deleted all the same).
 */
export const deleteTaskAction = operatorAction(ZTaskIdInputSchema, async ({ id }) => {
  if (isEngineRunning(id)) await stopEngine(id, "paused");
  const { warnings } = await removeStoredTaskKeys({ taskId: id, log: () => {} });
  if (!(await deleteTask({ id }))) throw new DtsError("INVALID_CONFIG", "This task no longer exists.");
  return { id, warnings };
});
