import "server-only";
import { getDb } from "../client";

export interface GetLatestPrecheckRunOptions {
  taskId: string;
}

/** The task's most recent precheck with its items in display order, or null. */
export async function getLatestPrecheckRun({ taskId }: GetLatestPrecheckRunOptions) {
  return getDb().precheckRun.findFirst({
    where: { taskId },
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    include: { items: { orderBy: { position: "asc" } } },
  });
}
