import "server-only";
import { getDb } from "../client";
import { DtsError } from "../../errors";
import type { TTaskState } from "../../../contracts/task.types";
import { TASK_MOVES, type TTaskMove } from "../../../contracts/task-state-machine";

export interface SetTaskStateOptions {
  id: string;
  /** the move of the task state machine (contracts/task-state-machine.ts) this write makes */
  move: TTaskMove;
  /** one of the move's target states */
  state: TTaskState;
  /** the error the operator sees (failed, precheck_failed); cleared for other states */
  error?: { code?: string; message: string };
}

/**
 * Moves a task to a new state, stamping startedAt / finishedAt. The move says from which states it
 * may start: only a task in one of them changes (compare-and-set). Returns the task, or null when it
 * does not exist or was not in an allowed state (someone else changed it first).
 */
export async function setTaskState({ id, move, state, error }: SetTaskStateOptions) {
  const { from, to } = TASK_MOVES[move];
  if (!(to as readonly TTaskState[]).includes(state)) throw new DtsError("INTERNAL", `a task cannot move to ${state} by "${move}"`);
  const now = new Date();
  const db = getDb();
  const result = await db.task.updateMany({
    where: { id, state: { in: [...from] } },
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
