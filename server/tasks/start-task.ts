import "server-only";
import { DtsError } from "../errors";
import { startEngine } from "../runner/engine-host";
import { setTaskState } from "../db/task/set-task-state";
import { addTaskEvent } from "../db/task-event/add-task-event";

export interface StartTaskOptions {
  id: string;
  /** who started it (the event names them) */
  by: string;
}

/**
 * Starts a configured task whose precheck just passed: Initializing, and its engine process (which
 * skips its own precheck). The caller checks the precheck (server/console/precheck-view.ts).
 */
export async function startTask({ id, by }: StartTaskOptions) {
  const task = await setTaskState({ id, move: "start", state: "initializing" });
  if (!task) throw new DtsError("INVALID_CONFIG", "The task's state changed meanwhile; reload the page.");
  await addTaskEvent({ taskId: id, level: "info", message: `Started by ${by}.` });
  startEngine(id, { skipPrecheck: true });
  return task;
}
