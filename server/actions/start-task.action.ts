"use server";

import { operatorAction } from "@/server/auth/operator-action";
import { DtsError } from "@/server/errors";
import { startEngine } from "@/server/runner/engine-host";
import { setTaskState } from "@/server/db/task/set-task-state";
import { addTaskEvent } from "@/server/db/task-event/add-task-event";
import { ZTaskIdInputSchema } from "@/contracts/task.types";
import { precheckView } from "@/server/console/precheck-view";
import { CONFIGURABLE_STATES } from "@/server/console/wizard-task";

/** Starts a task whose latest precheck passed; the engine skips its own precheck (it just ran). */
export const startTaskAction = operatorAction(ZTaskIdInputSchema, async ({ id }, { operator }) => {
  const view = await precheckView(id);
  if (!view) throw new DtsError("INVALID_CONFIG", "This task no longer exists.");
  if (!view.canStart) throw new DtsError("INVALID_CONFIG", view.startBlocked ?? "The task cannot start now.");
  const task = await setTaskState({ id, state: "initializing", from: CONFIGURABLE_STATES });
  if (!task) throw new DtsError("INVALID_CONFIG", "The task's state changed meanwhile; reload the page.");
  await addTaskEvent({ taskId: id, level: "info", message: `Started by ${operator.username}.` });
  startEngine(id, { skipPrecheck: true });
  return { next: `/tasks/${encodeURIComponent(id)}` };
});
