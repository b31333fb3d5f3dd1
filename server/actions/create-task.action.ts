"use server";

import { operatorAction } from "@/server/auth/operator-action";
import { createTask } from "@/server/db/task/create-task";
import { addTaskEvent } from "@/server/db/task-event/add-task-event";
import { ZCreateTaskSchema } from "@/contracts/task.types";

export const createTaskAction = operatorAction(ZCreateTaskSchema, async ({ name, regionLabel }, { operator }) => {
  const task = await createTask({ name, regionLabel });
  await addTaskEvent({ taskId: task.id, level: "info", message: `Task created by ${operator.username}.` });
  return { id: task.id, name: task.name };
});
