import "server-only";
import { describeError } from "../errors";
import type { Endpoint } from "../engine/endpoint";
import { removeTaskKeys, type RemoveTaskKeysResult } from "../engine/remove-task-keys";
import { getEndpointCredentials } from "../db/endpoint/get-endpoint-credentials";
import { addTaskEvent } from "../db/task-event/add-task-event";

export interface RemoveStoredTaskKeysOptions {
  taskId: string;
  /** where the outcome is told (default: the task's events) */
  log?(level: "info" | "warn", message: string): void;
}

/**
 * A finished or deleted task's own keys (heartbeats, fences, temporary keys) leave both sides. Never
 * throws: what could not be removed is a warning in the outcome and in the log, and expires anyway.
 * Run it only when no engine runs the task (its heartbeat would write the key again).
 */
export async function removeStoredTaskKeys({ taskId, log }: RemoveStoredTaskKeysOptions): Promise<RemoveTaskKeysResult> {
  const tell =
    log ??
    ((level: "info" | "warn", message: string) => {
      void addTaskEvent({ taskId, level, message }).catch(() => {});
    });
  let result: RemoveTaskKeysResult;
  try {
    const [source, target] = await Promise.all([getEndpointCredentials({ taskId, role: "source" }), getEndpointCredentials({ taskId, role: "destination" })]);
    // a task never configured has written nothing
    if (!source?.host || !target?.host) return { source: 0, target: 0, warnings: [] };
    result = await removeTaskKeys({ taskId, source: source as Endpoint, target: target as Endpoint });
  } catch (err) {
    result = { source: null, target: null, warnings: [`this task's own keys could not be removed (${describeError(err)}); they expire by themselves (heartbeat within an hour, fences within a day)`] };
  }
  for (const w of result.warnings) tell("warn", w);
  const done = [result.target !== null && `${result.target} from the destination`, result.source !== null && `${result.source} from the source`].filter(Boolean);
  if (done.length) tell("info", `removed this task's own keys (DTS_REDIS_TIMESTAMP_HEARTBEAT:${taskId}:…): ${done.join(", ")}`);
  return result;
}
