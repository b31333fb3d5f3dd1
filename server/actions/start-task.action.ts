"use server";

import { operatorAction } from "@/server/auth/operator-action";
import { DtsError } from "@/server/errors";
import { startTask } from "@/server/tasks/start-task";
import { ZTaskIdInputSchema } from "@/contracts/task.types";
import { precheckView } from "@/server/console/precheck-view";

/** Starts a task whose latest precheck passed; the engine skips its own precheck (it just ran). */
export const startTaskAction = operatorAction(ZTaskIdInputSchema, async ({ id }, { operator }) => {
  const view = await precheckView(id);
  if (!view) throw new DtsError("INVALID_CONFIG", "This task no longer exists.");
  if (!view.canStart) throw new DtsError("INVALID_CONFIG", view.startBlocked ?? "The task cannot start now.");
  await startTask({ id, by: operator.username });
  return { next: `/tasks/${encodeURIComponent(id)}` };
});
