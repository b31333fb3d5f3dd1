"use server";

import { DtsError } from "@/server/errors";
import { operatorAction } from "@/server/auth/operator-action";
import { isEngineRunning, stopEngine } from "@/server/runner/engine-host";
import { setTaskState } from "@/server/db/task/set-task-state";
import { addTaskEvent } from "@/server/db/task-event/add-task-event";
import { PAUSABLE_STATES, ZTaskIdInputSchema } from "@/contracts/task.types";

/** Stops applying after a final checkpoint; the checkpoints are kept for Resume. */
export const pauseTaskAction = operatorAction(ZTaskIdInputSchema, async ({ id }, { operator }) => {
  // The engine records `paused` itself when it stops; the state change below covers a task whose
  // engine is not running in this process.
  if (isEngineRunning(id)) await stopEngine(id, "paused");
  const task = await setTaskState({ id, state: "paused", from: [...PAUSABLE_STATES, "paused"] });
  if (!task) throw new DtsError("INVALID_CONFIG", "Only an initializing or synchronizing task can be paused.");
  await addTaskEvent({ taskId: id, level: "info", message: `Paused by ${operator.username}.` });
  return { id, state: task.state };
});
