import "server-only";
import { getDb } from "../client";

export interface FinishPrecheckRunOptions {
  runId: string;
}

/** Closes a run: failed when any item failed, else passed. */
export async function finishPrecheckRun({ runId }: FinishPrecheckRunOptions) {
  const db = getDb();
  const failed = await db.precheckItem.count({ where: { runId, status: "failed" } });
  return db.precheckRun.update({
    where: { id: runId },
    data: { status: failed > 0 ? "failed" : "passed", finishedAt: new Date() },
    include: { items: { orderBy: { position: "asc" } } },
  });
}
