"use server";

import { DtsError } from "@/server/errors";
import { operatorAction } from "@/server/auth/operator-action";
import { isEngineRunning, stopEngine } from "@/server/runner/engine-host";
import { setTaskState } from "@/server/db/task/set-task-state";
import { addTaskEvent } from "@/server/db/task-event/add-task-event";
import { ZTaskIdInputSchema } from "@/contracts/task.types";
import { removeStoredTaskKeys } from "@/server/runner/remove-stored-task-keys";

/**
 * Ends the task for good (Finished): the engine stops after a final checkpoint; the data stays, the
 * task's own keys (heartbeats, fences) go. A running engine removes them as it finishes; otherwise here.
 */
export const stopTaskAction = operatorAction(ZTaskIdInputSchema, async ({ id }, { operator }) => {
  const running = isEngineRunning(id);
  if (running) await stopEngine(id, "finished");
  const task = await setTaskState({ id, state: "finished", from: ["prechecking", "initializing", "synchronizing", "paused", "finished"] });
  if (!task) throw new DtsError("INVALID_CONFIG", "Only a running or paused task can be stopped.");
  await addTaskEvent({ taskId: id, level: "info", message: `Stopped by ${operator.username}; the task is finished.` });
  if (!running) await removeStoredTaskKeys({ taskId: id });
  return { id, state: task.state };
});
