import "server-only";
import { DtsError } from "../errors";
import { isEngineRunning, stopEngine } from "../runner/engine-host";
import { setTaskState } from "../db/task/set-task-state";
import { addTaskEvent } from "../db/task-event/add-task-event";
import { removeStoredTaskKeys } from "../runner/remove-stored-task-keys";

/**
 * Ends the task for good (Finished): the engine stops after a final checkpoint; the data stays, the
 * task's own keys (heartbeats, fences) go. A running engine removes them as it finishes; otherwise here.
 */
export async function stopTask({ id, by }: { id: string; by: string }) {
  const running = isEngineRunning(id);
  if (running) await stopEngine(id, "finished");
  const task = await setTaskState({ id, move: "stop", state: "finished" });
  if (!task) throw new DtsError("INVALID_CONFIG", "Only a running or paused task can be stopped.");
  await addTaskEvent({ taskId: id, level: "info", message: `Stopped by ${by}; the task is finished.` });
  if (!running) await removeStoredTaskKeys({ taskId: id });
  return task;
}
