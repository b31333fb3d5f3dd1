import "server-only";
import { getDb } from "../client";

export interface PruneTaskEventsOptions {
  /** one task's events; every task's when absent */
  taskId?: string;
  /** delete events older than this */
  before: Date;
}

/** Events older than the retention window go (server/runner/retention.ts). */
export async function pruneTaskEvents({ taskId, before }: PruneTaskEventsOptions): Promise<number> {
  const result = await getDb().taskEvent.deleteMany({ where: { ...(taskId && { taskId }), time: { lt: before } } });
  return result.count;
}
