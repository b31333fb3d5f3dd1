import "server-only";
import { DtsError } from "../errors";
import { isEngineRunning, stopEngine } from "../runner/engine-host";
import { setTaskState } from "../db/task/set-task-state";
import { addTaskEvent } from "../db/task-event/add-task-event";

/** Pauses an initializing or synchronizing task: its engine stops after a final checkpoint. */
export async function pauseTask({ id, by }: { id: string; by: string }) {
  // The engine records `paused` itself when it stops; the state change below covers a task whose
  // engine is not running in this process.
  if (isEngineRunning(id)) await stopEngine(id, "paused");
  const task = await setTaskState({ id, move: "pause", state: "paused" });
  if (!task) throw new DtsError("INVALID_CONFIG", "Only an initializing or synchronizing task can be paused.");
  await addTaskEvent({ taskId: id, level: "info", message: `Paused by ${by}.` });
  return task;
}
