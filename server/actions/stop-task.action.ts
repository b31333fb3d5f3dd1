"use server";

import { operatorAction } from "@/server/auth/operator-action";
import { stopTask } from "@/server/tasks/stop-task";
import { ZTaskIdInputSchema } from "@/contracts/task.types";

/**
 * Ends the task for good (Finished): the engine stops after a final checkpoint; the data stays, the
 * task's own keys (heartbeats, fences) go. A running engine removes them as it finishes; otherwise here.
 */
export const stopTaskAction = operatorAction(ZTaskIdInputSchema, async ({ id }, { operator }) => {
  const task = await stopTask({ id, by: operator.username });
  return { id, state: task.state };
});
