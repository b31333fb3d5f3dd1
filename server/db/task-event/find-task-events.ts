import "server-only";
import { getDb } from "../client";
import type { TEventLevel } from "./task-event.types";

export interface FindTaskEventsOptions {
  taskId: string;
  levels?: TEventLevel[];
  /** only events newer than this id (for polling) */
  afterId?: number;
  take?: number;
}

/** A task's events, newest first. */
export async function findTaskEvents({ taskId, levels, afterId, take = 200 }: FindTaskEventsOptions) {
  return getDb().taskEvent.findMany({
    where: { taskId, ...(levels && { level: { in: levels } }), ...(afterId !== undefined && { id: { gt: afterId } }) },
    orderBy: [{ time: "desc" }, { id: "desc" }],
    take,
  });
}
