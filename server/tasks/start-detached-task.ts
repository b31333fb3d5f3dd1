import "server-only";
import { DtsError } from "../errors";
import { getCheckpoints } from "../db/checkpoint/get-checkpoints";
import { getTask } from "../db/task/get-task";
import { setTaskState } from "../db/task/set-task-state";
import { addTaskEvent } from "../db/task-event/add-task-event";
import { findShardLeases } from "../db/shard-lease/find-shard-leases";
import { withTaskLease } from "../runner/run-stored-task";
import { precheckStoredTask } from "../runner/precheck-stored-task";
import { RUNNING_STATES, isIn } from "../../contracts/task-state-machine";
import type { TTaskState } from "../../contracts/task.types";

export interface StartDetachedTaskOptions {
  id: string;
  name: string;
  /** stores the settings (the CLI's flags); runs only once nothing runs the task */
  prepare(): Promise<void>;
  skipPrecheck: boolean;
  echo?(level: string, message: string): void;
}

/**
 * `sync --detach`: stores the task, prechecks it, and marks it running for the workers to take
 * (initializing, or synchronizing when every shard has an incremental checkpoint), without running
 * anything in this process. Refused while a `sync`, a console engine or a worker runs the task.
 */
export async function startDetachedTask(o: StartDetachedTaskOptions): Promise<{ state: TTaskState }> {
  return withTaskLease(o.id, o.name, async () => {
    const task = await getTask({ id: o.id });
    const held = (await findShardLeases({ taskId: o.id })).filter((r) => r.worker && !r.expired);
    if (task && isIn(RUNNING_STATES, task.state as TTaskState) && held.length > 0) {
      throw new DtsError("CONFLICT", `task "${o.name}" is already running on workers (${[...new Set(held.map((r) => r.worker))].join(", ")}); stop it first`);
    }
    await o.prepare();
    const checkpoints = await getCheckpoints({ taskId: o.id });
    if (!o.skipPrecheck) {
      await setTaskState({ id: o.id, move: "engine-precheck", state: "prechecking" });
      const result = await precheckStoredTask({ taskId: o.id, conflict: checkpoints.length > 0 ? "ignore" : undefined });
      if (!result.passed) {
        const message = `precheck failed: ${result.items.filter((i) => i.status === "failed").map((i) => `${i.name}: ${i.message}`).join("; ")}`;
        await setTaskState({ id: o.id, move: "engine-precheck", state: "precheck_failed", error: { code: "PRECHECK_FAILED", message } });
        throw new DtsError("PRECHECK_FAILED", message);
      }
    }
    const state = checkpoints.length > 0 && checkpoints.every((c) => c.phase === "incremental") ? "synchronizing" : "initializing";
    await setTaskState({ id: o.id, move: "engine-start", state });
    await addTaskEvent({ taskId: o.id, level: "info", message: `started for the workers (redis-dts sync --detach)` });
    o.echo?.("info", `task "${o.name}" ${state}: a worker takes its shards`);
    return { state };
  });
}
