"use server";

import { DtsError } from "@/server/errors";
import { operatorAction } from "@/server/auth/operator-action";
import { updateTask } from "@/server/db/task/update-task";
import { addTaskEvent } from "@/server/db/task-event/add-task-event";
import { ZRenameTaskSchema } from "@/contracts/task.types";

export const renameTaskAction = operatorAction(ZRenameTaskSchema, async ({ id, name, regionLabel }, { operator }) => {
  const task = await updateTask({ id, data: { name, ...(regionLabel && { regionLabel }) } });
  if (!task) throw new DtsError("INVALID_CONFIG", "This task no longer exists.");
  await addTaskEvent({ taskId: id, level: "info", message: `Task renamed to "${task.name}" (region ${task.regionLabel}) by ${operator.username}.` });
  return { id: task.id, name: task.name, regionLabel: task.regionLabel };
});
