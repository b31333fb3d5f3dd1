"use server";

import { DtsError } from "@/server/errors";
import { operatorAction } from "@/server/auth/operator-action";
import { updateTask } from "@/server/db/task/update-task";
import { ZRenameTaskSchema } from "@/contracts/task.types";

export const renameTaskAction = operatorAction(ZRenameTaskSchema, async ({ id, name, regionLabel }) => {
  const task = await updateTask({ id, data: { name, ...(regionLabel && { regionLabel }) } });
  if (!task) throw new DtsError("INVALID_CONFIG", "This task no longer exists.");
  return { id: task.id, name: task.name, regionLabel: task.regionLabel };
});
