import "server-only";
import { DtsError } from "../errors";
import { startEngine } from "../runner/engine-host";
import { setTaskState } from "../db/task/set-task-state";
import { addTaskEvent } from "../db/task-event/add-task-event";

/** Runs a failed task again: its engine prechecks first, then resumes from the checkpoints it has. */
export async function restartTask({ id, by }: { id: string; by: string }) {
  const task = await setTaskState({ id, move: "restart", state: "prechecking" });
  if (!task) throw new DtsError("INVALID_CONFIG", "Only a failed task can be restarted.");
  await addTaskEvent({ taskId: id, level: "info", message: `Restarted by ${by}.` });
  startEngine(id);
  return task;
}
