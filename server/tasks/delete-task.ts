import "server-only";
import { DtsError } from "../errors";
import { isEngineRunning, stopEngine } from "../runner/engine-host";
import { deleteTask as deleteTaskRows } from "../db/task/delete-task";
import { removeStoredTaskKeys } from "../runner/remove-stored-task-keys";

/**
 * Deletes a task. A running engine stops first, so it writes no checkpoint (nor heartbeat) for a task
 * that is gone; then the task's own keys leave both sides (best effort: what could not be removed is
 * returned as warnings, the task is deleted all the same).
 */
export async function deleteTask({ id }: { id: string }): Promise<{ warnings: string[] }> {
  if (isEngineRunning(id)) await stopEngine(id, "paused");
  const { warnings } = await removeStoredTaskKeys({ taskId: id, log: () => {} });
  if (!(await deleteTaskRows({ id }))) throw new DtsError("INVALID_CONFIG", "This task no longer exists.");
  return { warnings };
}
