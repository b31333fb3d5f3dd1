"use server";

import { DtsError } from "@/server/errors";
import { operatorAction } from "@/server/auth/operator-action";
import { cancelVerification } from "@/server/runner/verify-host";
import { addTaskEvent } from "@/server/db/task-event/add-task-event";
import { ZVerificationRunInputSchema } from "@/contracts/configure-task.types";

export const cancelVerificationAction = operatorAction(ZVerificationRunInputSchema, async ({ id, runId }, { operator }) => {
  if (!(await cancelVerification(runId))) throw new DtsError("INVALID_CONFIG", "This verification is not running in this console.");
  await addTaskEvent({ taskId: id, level: "info", message: `Data verification cancelled by ${operator.username}.` });
  return { runId };
});
