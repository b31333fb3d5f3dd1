import "server-only";
import { describeError } from "../../errors";
import { getTask } from "../../db/task/get-task";
import { saveAlertState } from "../../db/task/save-alert-state";
import { parseJsonField } from "../../db/json";
import { ZAlertRulesSchema, type TAlertPayload } from "../../../contracts/alert.types";
import { z } from "zod";
import { evaluateRules, type AlertFigures, type AlertState } from "./evaluate-rules";
import { deliverWebhook } from "./deliver-webhook";

const ZAlertStateSchema = z.record(z.string(), z.object({ since: z.number(), firing: z.boolean() }));

/**
 * Evaluates a task's alert rules against its status now and delivers what changed to its webhook
 * (in the background: retries never hold up the caller). Called every second by whoever does the
 * task's task-wide work: its engine process (embedded, `sync`) or the worker holding its first shard.
 */
export async function evaluateTaskAlerts(taskId: string, figures: Omit<AlertFigures, "state"> & { state?: string; inexact?: number }, now = Date.now()): Promise<void> {
  const task = await getTask({ id: taskId });
  if (!task || task.alerts === "{}") return;
  const rules = parseJsonField(task.alerts, ZAlertRulesSchema, null);
  if (!rules?.webhookUrl) return;
  const previous = parseJsonField(task.alertState, ZAlertStateSchema, {}) as AlertState;
  const { state, transitions } = evaluateRules(rules, { ...figures, state: figures.state ?? task.state }, previous, now);
  const next = JSON.stringify(state);
  if (next === task.alertState) return;
  // compare-and-set: when two evaluators race, one delivers
  if (!(await saveAlertState({ id: taskId, from: task.alertState, to: next }))) return;
  for (const t of transitions) {
    const payload: TAlertPayload = {
      source: "redis-dts",
      status: t.status,
      rule: t.rule,
      task: { id: task.id, name: task.name, state: figures.state ?? task.state },
      summary: `task "${task.name}": ${t.summary}`,
      at: new Date(t.status === "firing" ? (state[t.rule]?.since ?? now) : now).toISOString(),
      figures: { latencySeconds: figures.latencyMs === null ? null : figures.latencyMs / 1000, refusedWrites: figures.refused, inexactWrites: figures.inexact ?? 0 },
    };
    void deliverWebhook({ url: rules.webhookUrl, payload }).catch((err) => process.stderr.write(`redis-dts: alert delivery failed: ${describeError(err)}\n`));
  }
}
