"use server";

import { DtsError } from "@/server/engine/errors";
import { operatorAction } from "@/server/auth/operator-action";
import { deleteTask } from "@/server/db/task/delete-task";
import { ZTaskIdInputSchema } from "@/server/db/task/task.types";

export const deleteTaskAction = operatorAction(ZTaskIdInputSchema, async ({ id }) => {
  if (!(await deleteTask({ id }))) throw new DtsError("INVALID_CONFIG", "This task no longer exists.");
  return { id };
});
