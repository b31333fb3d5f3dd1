import "server-only";
import { getDb } from "../client";

/**
 * Stores which alert rules fire (server/runner/alerts), compare-and-set on the state read: two
 * evaluators (a shard moving between workers) cannot both deliver one transition.
 */
export async function saveAlertState({ id, from, to }: { id: string; from: string; to: string }): Promise<boolean> {
  const r = await getDb().task.updateMany({ where: { id, alertState: from }, data: { alertState: to } });
  return r.count > 0;
}
