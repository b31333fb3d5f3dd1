"use server";

import { operatorAction } from "@/server/auth/operator-action";
import { restartTask } from "@/server/tasks/restart-task";
import { ZTaskIdInputSchema } from "@/contracts/task.types";

/**
 * Restarts a failed task: the engine runs the precheck again (its own keys on the destination are no
 * conflict), then continues from the checkpoints, or synchronizes in full where it has none.
 */
export const restartTaskAction = operatorAction(ZTaskIdInputSchema, async ({ id }, { operator }) => {
  const task = await restartTask({ id, by: operator.username });
  return { id, state: task.state };
});
