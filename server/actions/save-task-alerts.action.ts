"use server";

import { DtsError } from "@/server/errors";
import { operatorAction } from "@/server/auth/operator-action";
import { saveTaskAlerts } from "@/server/db/task/save-task-alerts";
import { addTaskEvent } from "@/server/db/task-event/add-task-event";
import { ZSaveTaskAlertsSchema } from "@/contracts/alert.types";

/** Stores a task's alert rules and webhook; whoever runs the task evaluates them from the next second on. */
export const saveTaskAlertsAction = operatorAction(ZSaveTaskAlertsSchema, async ({ id, rules }, { operator }) => {
  if (!(await saveTaskAlerts({ id, rules }))) throw new DtsError("INVALID_CONFIG", "This task no longer exists.");
  const on = [rules.latency.enabled && `latency above ${rules.latency.seconds} s for ${rules.latency.minutes} min`, rules.failed.enabled && "task failed", rules.refused.enabled && "writes refused"].filter(Boolean);
  let where = "no webhook: alerts off";
  if (rules.webhookUrl) where = `to ${new URL(rules.webhookUrl).origin}`;
  await addTaskEvent({ taskId: id, level: "info", message: `Alerts set by ${operator.username}: ${on.join(", ") || "no rule"} (${where}).` });
  return { id };
});
