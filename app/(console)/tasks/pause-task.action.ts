"use server";

import { DtsError } from "@/server/engine/errors";
import { operatorAction } from "@/server/auth/operator-action";
import { setTaskState } from "@/server/db/task/set-task-state";
import { addTaskEvent } from "@/server/db/task-event/add-task-event";
import { PAUSABLE_STATES, ZTaskIdInputSchema } from "@/server/db/task/task.types";

/** The engine watches the state: paused means stop applying, keep the checkpoints. */
export const pauseTaskAction = operatorAction(ZTaskIdInputSchema, async ({ id }, { operator }) => {
  const task = await setTaskState({ id, state: "paused", from: PAUSABLE_STATES });
  if (!task) throw new DtsError("INVALID_CONFIG", "Only an initializing or synchronizing task can be paused.");
  await addTaskEvent({ taskId: id, level: "info", message: `Paused by ${operator.username}.` });
  return { id, state: task.state };
});
