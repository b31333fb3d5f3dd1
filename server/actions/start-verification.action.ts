"use server";

import { DtsError } from "@/server/errors";
import { operatorAction } from "@/server/auth/operator-action";
import { startVerification } from "@/server/runner/verify-host";
import { getEndpoints } from "@/server/db/endpoint/get-endpoints";
import { addTaskEvent } from "@/server/db/task-event/add-task-event";
import { ZStartVerificationSchema } from "@/contracts/configure-task.types";

/** Data Verification: compares source and destination in a child process; the tab polls the run. */
export const startVerificationAction = operatorAction(ZStartVerificationSchema, async ({ id, mode, rounds }, { operator }) => {
  const endpoints = await getEndpoints({ taskId: id });
  if (!endpoints.source?.host || !endpoints.destination?.host) throw new DtsError("INVALID_CONFIG", "Configure the source and destination instances first.");
  const runId = await startVerification(id, mode, rounds ?? 3);
  await addTaskEvent({ taskId: id, level: "info", message: `Data verification (${mode}) started by ${operator.username}.` });
  return { runId };
});
