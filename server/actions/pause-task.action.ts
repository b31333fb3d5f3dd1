"use server";

import { operatorAction } from "@/server/auth/operator-action";
import { pauseTask } from "@/server/tasks/pause-task";
import { ZTaskIdInputSchema } from "@/contracts/task.types";

/** Stops applying after a final checkpoint; the checkpoints are kept for Resume. */
export const pauseTaskAction = operatorAction(ZTaskIdInputSchema, async ({ id }, { operator }) => {
  const task = await pauseTask({ id, by: operator.username });
  return { id, state: task.state };
});
