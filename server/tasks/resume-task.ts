import "server-only";
import { DtsError } from "../errors";
import { engineExited, startEngine } from "../runner/engine-host";
import { getCheckpoints } from "../db/checkpoint/get-checkpoints";
import { setTaskState } from "../db/task/set-task-state";
import { addTaskEvent } from "../db/task-event/add-task-event";

/** Back to work from the checkpoints: incremental when every shard has one, else the full sync again. */
export async function resumeTask({ id, by }: { id: string; by: string }) {
  // A task paused by its divergence policy is Paused as soon as its engine records it; the process
  // then closes its connections. Starting before it is gone would start nothing (it still counts
  // as running here) while the task said Synchronizing.
  if (!(await engineExited(id, 20_000))) throw new DtsError("CONFLICT", "The engine is still finishing the pause; click Resume again in a few seconds.");
  const task = await markResumed({ id, by });
  // The precheck passed before the task first started; resuming does not repeat it. (With
  // REDIS_DTS_ENGINE=workers this starts nothing: the workers take the task's shards.)
  startEngine(id, { skipPrecheck: true });
  return task;
}

/** The state move of a resume, without starting an engine here (the CLI's `resume`: workers run it). */
export async function markResumed({ id, by }: { id: string; by: string }) {
  const checkpoints = await getCheckpoints({ taskId: id });
  const incremental = checkpoints.length > 0 && checkpoints.every((c) => c.phase === "incremental");
  const task = await setTaskState({ id, move: "resume", state: incremental ? "synchronizing" : "initializing" });
  if (!task) throw new DtsError("INVALID_CONFIG", "Only a paused task can be resumed.");
  await addTaskEvent({ taskId: id, level: "info", message: `Resumed by ${by}.` });
  return task;
}
