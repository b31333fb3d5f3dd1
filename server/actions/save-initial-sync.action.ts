"use server";

import { operatorAction } from "@/server/auth/operator-action";
import { updateTask } from "@/server/db/task/update-task";
import { mergeTaskOptions } from "@/server/db/task/merge-task-options";
import { ZConfigureInitialSyncSchema } from "@/contracts/configure-task.types";
import { configurableTask, stepPath } from "@/server/console/wizard-task";
import { startConsolePrecheck } from "@/server/console/wizard-precheck";

/**
 * Step 4: full + incremental, or incremental only, and what a refused or inexact write does. Next
 * runs the precheck, as the reference's "Precheck" button does.
 */
export const saveInitialSyncAction = operatorAction(ZConfigureInitialSyncSchema, async ({ id, initialSync, onInexact, limits, direction }, { operator }) => {
  const task = await configurableTask(id);
  await updateTask({ id, data: { initialSync, ...(limits ? { speedLimits: limits } : {}), wizardStep: direction === "next" ? 5 : Math.min(task.wizardStep, 4) } });
  await mergeTaskOptions({ id, options: { onInexact } });
  if (direction === "next") startConsolePrecheck(id, operator.username);
  return { next: stepPath(id, direction === "next" ? 5 : 3) };
});
