"use server";

import { operatorAction } from "@/server/auth/operator-action";
import { DtsError } from "@/server/errors";
import { getEndpoints } from "@/server/db/endpoint/get-endpoints";
import { ZTaskIdInputSchema } from "@/contracts/task.types";
import { configurableTask } from "@/server/console/wizard-task";
import { startConsolePrecheck } from "@/server/console/wizard-precheck";

/** "Precheck Again": in the wizard's last step and on the status page of a task that is not running. */
export const runPrecheckAction = operatorAction(ZTaskIdInputSchema, async ({ id }, { operator }) => {
  await configurableTask(id);
  const endpoints = await getEndpoints({ taskId: id });
  if (!endpoints.source?.host || !endpoints.destination?.host) throw new DtsError("INVALID_CONFIG", "Configure the source and destination instances first.");
  startConsolePrecheck(id, operator.username);
  return { id };
});
