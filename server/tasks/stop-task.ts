import "server-only";
import { DtsError } from "../errors";
import { isEngineRunning, stopEngine } from "../runner/engine-host";
import { setTaskState } from "../db/task/set-task-state";
import { addTaskEvent } from "../db/task-event/add-task-event";
import { removeStoredTaskKeys } from "../runner/remove-stored-task-keys";
import { engineMode } from "../runner/engine-mode";
import { waitForWorkersToRelease } from "../runner/worker/wait-for-release";

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
  // workers mode: the workers stop its shards at their next renewal; their heartbeats must be over
  // before the task's own keys are removed (else one would write its key again)
  if (engineMode() === "workers" && !(await waitForWorkersToRelease(id, 20_000))) {
    await addTaskEvent({ taskId: id, level: "warn", message: "A worker still ran a shard of the task 20 s after it was stopped; its heartbeat key may stay behind (redis-dts finish removes it)." });
  }
  if (!running) await removeStoredTaskKeys({ taskId: id });
  return task;
}
