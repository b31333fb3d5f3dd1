import "server-only";
import { getDb } from "../client";
import type { TAlertRules } from "../../../contracts/alert.types";

/** Stores a task's alert rules; the alert state starts over (a changed rule is evaluated afresh). */
export async function saveTaskAlerts({ id, rules }: { id: string; rules: TAlertRules }): Promise<boolean> {
  const r = await getDb().task.updateMany({ where: { id }, data: { alerts: JSON.stringify(rules), alertState: "{}" } });
  return r.count > 0;
}
