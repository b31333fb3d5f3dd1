import "server-only";
import { getDb } from "../client";
import { parseJsonField } from "../json";
import { ZSpeedLimitsSchema, type TSpeedLimits } from "../../../contracts/task.types";

export interface GetTaskSpeedLimitsOptions {
  id: string;
}

/** A task's speed limits alone (a running engine reads them every second), or null when the task is gone. */
export async function getTaskSpeedLimits({ id }: GetTaskSpeedLimitsOptions): Promise<TSpeedLimits | null> {
  const row = await getDb().task.findUnique({ where: { id }, select: { speedLimits: true } });
  return row ? parseJsonField(row.speedLimits, ZSpeedLimitsSchema, {}) : null;
}
