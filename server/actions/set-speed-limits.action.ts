"use server";

import { DtsError } from "@/server/errors";
import { operatorAction } from "@/server/auth/operator-action";
import { getTask } from "@/server/db/task/get-task";
import { updateTask } from "@/server/db/task/update-task";
import { addTaskEvent } from "@/server/db/task-event/add-task-event";
import { ZSetSpeedLimitsSchema } from "@/contracts/configure-task.types";
import { describeSpeedLimits } from "@/contracts/speed-limits";

/**
 * New speed limits from the status page, whatever the task's state: stored, and a running engine
 * reads them within a second (run-stored-task.ts) and says "speed limit changed to …" in the events.
 */
export const setSpeedLimitsAction = operatorAction(ZSetSpeedLimitsSchema, async ({ id, limits }, { operator }) => {
  const task = await getTask({ id });
  if (!task) throw new DtsError("INVALID_CONFIG", "This task no longer exists.");
  await updateTask({ id, data: { speedLimits: limits } });
  await addTaskEvent({ taskId: id, level: "info", message: `Speed limits set to ${describeSpeedLimits(limits)} by ${operator.username}.` });
  return { id, limits };
});
