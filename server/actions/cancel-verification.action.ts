"use server";

import { DtsError } from "@/server/errors";
import { operatorAction } from "@/server/auth/operator-action";
import { cancelVerification } from "@/server/runner/verify-host";
import { ZVerificationRunInputSchema } from "@/contracts/configure-task.types";

export const cancelVerificationAction = operatorAction(ZVerificationRunInputSchema, async ({ runId }) => {
  if (!(await cancelVerification(runId))) throw new DtsError("INVALID_CONFIG", "This verification is not running in this console.");
  return { runId };
});
