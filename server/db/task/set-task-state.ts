import "server-only";
import { getDb } from "../client";
import type { TTaskState } from "../../../contracts/task.types";

export interface SetTaskStateOptions {
  id: string;
  state: TTaskState;
  /** only change it when the task is in one of these states (compare-and-set); undefined = any */
  from?: readonly TTaskState[];
  /** the error the operator sees (failed, precheck_failed); cleared for other states */
  error?: { code?: string; message: string };
}

/**
 * Moves a task to a new state, stamping startedAt / finishedAt. Returns the task, or null when it
 * does not exist or was not in an allowed state (someone else changed it first).
 */
export async function setTaskState({ id, state, from, error }: SetTaskStateOptions) {
  const now = new Date();
  const db = getDb();
  const result = await db.task.updateMany({
    where: { id, ...(from && { state: { in: [...from] } }) },
    data: {
      state,
      error: error?.message ?? null,
      errorCode: error?.code ?? null,
      ...(state === "initializing" && { startedAt: now, finishedAt: null }),
      ...(state === "finished" && { finishedAt: now }),
    },
  });
  if (result.count === 0) return null;
  return db.task.findUnique({ where: { id } });
}
