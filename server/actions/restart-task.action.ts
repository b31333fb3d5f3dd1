"use server";

import { DtsError } from "@/server/errors";
import { operatorAction } from "@/server/auth/operator-action";
import { startEngine } from "@/server/runner/engine-host";
import { setTaskState } from "@/server/db/task/set-task-state";
import { addTaskEvent } from "@/server/db/task-event/add-task-event";
import { ZTaskIdInputSchema } from "@/contracts/task.types";

/**
 * Restarts a failed task: the engine runs the precheck again (its own keys on the destination are no
 * conflict), then continues from the checkpoints, or synchronizes in full where it has none.
 */
export const restartTaskAction = operatorAction(ZTaskIdInputSchema, async ({ id }, { operator }) => {
  const task = await setTaskState({ id, state: "prechecking", from: ["failed"] });
  if (!task) throw new DtsError("INVALID_CONFIG", "Only a failed task can be restarted.");
  await addTaskEvent({ taskId: id, level: "info", message: `Restarted by ${operator.username}.` });
  startEngine(id);
  return { id, state: task.state };
});
