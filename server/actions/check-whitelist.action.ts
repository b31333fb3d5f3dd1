"use server";

import { z } from "zod";
import { operatorAction } from "@/server/auth/operator-action";
import { updateTask } from "@/server/db/task/update-task";
import { ZTaskIdSchema } from "@/contracts/task.types";
import { configurableTask, stepPath } from "@/server/console/wizard-task";
import { probeTaskNodes } from "@/server/console/probe-task-nodes";

const ZCheckWhitelistSchema = z.object({ id: ZTaskIdSchema, advance: z.boolean() });

/**
 * Step 2: probes every node of both sides. With `advance`, moves on to step 3 only when every node
 * answered with the stored credentials (the probe runs here again: the browser's word is not enough).
 */
export const checkWhitelistAction = operatorAction(ZCheckWhitelistSchema, async ({ id, advance }) => {
  const task = await configurableTask(id);
  const check = await probeTaskNodes(id);
  if (!advance || check.blocking.length > 0) return { check, next: null };
  await updateTask({ id, data: { wizardStep: Math.max(task.wizardStep, 3) } });
  return { check, next: stepPath(id, 3) };
});
