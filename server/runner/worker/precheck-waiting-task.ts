import "server-only";
import { describeError } from "../../errors";
import { claimTaskLease } from "../../db/task/claim-task-lease";
import { releaseTaskLease } from "../../db/task/release-task-lease";
import { setTaskState } from "../../db/task/set-task-state";
import { getCheckpoints } from "../../db/checkpoint/get-checkpoints";
import { addTaskEvent } from "../../db/task-event/add-task-event";
import { precheckStoredTask } from "../precheck-stored-task";

/**
 * A task the console restarted in workers mode waits in `prechecking`: one worker (the one that gets
 * the task's lease; a `sync --detach` that prechecks holds it itself) runs the precheck, then marks
 * the task running (its shards are then claimed like any other) or precheck_failed.
 */
export async function precheckWaitingTask(o: { taskId: string; owner: string; echo(level: string, message: string): void }): Promise<void> {
  if (!(await claimTaskLease({ id: o.taskId, owner: o.owner, ttlMs: 120_000 }))) return;
  try {
    const checkpoints = await getCheckpoints({ taskId: o.taskId });
    const result = await precheckStoredTask({ taskId: o.taskId, conflict: checkpoints.length > 0 ? "ignore" : undefined });
    if (!result.passed) {
      const message = `precheck failed: ${result.items.filter((i) => i.status === "failed").map((i) => `${i.name}: ${i.message}`).join("; ")}`;
      await setTaskState({ id: o.taskId, move: "engine-precheck", state: "precheck_failed", error: { code: "PRECHECK_FAILED", message } });
      await addTaskEvent({ taskId: o.taskId, level: "error", message });
      return;
    }
    const incremental = checkpoints.length > 0 && checkpoints.every((c) => c.phase === "incremental");
    await setTaskState({ id: o.taskId, move: "engine-start", state: incremental ? "synchronizing" : "initializing" });
  } catch (err) {
    o.echo("warn", `the precheck of task ${o.taskId} could not run: ${describeError(err)}`);
  } finally {
    await releaseTaskLease({ id: o.taskId, owner: o.owner }).catch(() => {});
  }
}
