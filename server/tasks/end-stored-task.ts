import "server-only";
import { DtsError } from "../errors";
import type { RemoveTaskKeysResult } from "../engine/remove-task-keys";
import { findTaskByName } from "../db/task/find-task-by-name";
import { setTaskState } from "../db/task/set-task-state";
import { deleteTask } from "../db/task/delete-task";
import { addTaskEvent } from "../db/task-event/add-task-event";
import { removeStoredTaskKeys } from "../runner/remove-stored-task-keys";
import { withTaskLease } from "../runner/run-stored-task";
import { findShardLeases } from "../db/shard-lease/find-shard-leases";

export interface EndStoredTaskOptions {
  name: string;
  how: "finish" | "delete";
  /** each event as it is recorded (the CLI prints them) */
  echo?(level: string, message: string): void;
}

/**
 * The CLI's way to end a task for good: `finish` keeps it (state finished, its events and
 * checkpoints), `delete` removes it. Both remove the task's own keys from both sides first, best
 * effort, and both are refused while an engine runs the task (stop it first: its heartbeat would
 * write the key again).
 */
export async function endStoredTask({ name, how, echo }: EndStoredTaskOptions): Promise<RemoveTaskKeysResult> {
  const task = await findTaskByName({ name });
  if (!task) throw new DtsError("INVALID_CONFIG", `no task named "${name}"`);
  const onWorkers = (await findShardLeases({ taskId: task.id })).filter((r) => r.worker && !r.expired);
  if (onWorkers.length > 0) throw new DtsError("CONFLICT", `task "${name}" is being run by workers (${[...new Set(onWorkers.map((r) => r.worker))].join(", ")}); stop it first (redis-dts stop --task ${name})`);
  return withTaskLease(task.id, name, async () => {
    const log = (level: "info" | "warn", message: string) => {
      echo?.(level, message);
      if (how === "finish") void addTaskEvent({ taskId: task.id, level, message }).catch(() => {});
    };
    if (how === "finish") {
      await setTaskState({ id: task.id, move: "finish", state: "finished" });
      log("info", "task finished (redis-dts finish)");
    }
    const result = await removeStoredTaskKeys({ taskId: task.id, log });
    if (how === "delete") await deleteTask({ id: task.id });
    return result;
  });
}
