"use server";

import { DtsError } from "@/server/engine/errors";
import { operatorAction } from "@/server/auth/operator-action";
import { isEngineRunning, stopEngine } from "@/server/runner/engine-host";
import { deleteTask } from "@/server/db/task/delete-task";
import { ZTaskIdInputSchema } from "@/server/db/task/task.types";

export const deleteTaskAction = operatorAction(ZTaskIdInputSchema, async ({ id }) => {
  // A running engine stops first, so it does not write checkpoints for a task that is gone.
  if (isEngineRunning(id)) await stopEngine(id, "finished");
  if (!(await deleteTask({ id }))) throw new DtsError("INVALID_CONFIG", "This task no longer exists.");
  return { id };
});
