import "server-only";
import { getDb } from "../client";

export interface GetTaskUpdatedAtOptions {
  id: string;
}

/**
 * When the task's row last changed, or null when there is no such task: one indexed read of one
 * column, for callers that only need to know whether what they built from the row is still current.
 */
export async function getTaskUpdatedAt({ id }: GetTaskUpdatedAtOptions): Promise<Date | null> {
  const row = await getDb().task.findUnique({ where: { id }, select: { updatedAt: true } });
  return row?.updatedAt ?? null;
}
