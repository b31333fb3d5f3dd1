"use server";

import { DtsError } from "@/server/errors";
import { operatorAction } from "@/server/auth/operator-action";
import { engineExited, startEngine } from "@/server/runner/engine-host";
import { getCheckpoints } from "@/server/db/checkpoint/get-checkpoints";
import { setTaskState } from "@/server/db/task/set-task-state";
import { addTaskEvent } from "@/server/db/task-event/add-task-event";
import { ZTaskIdInputSchema } from "@/contracts/task.types";

/** Back to work from the checkpoints: incremental when every shard has one, else the full sync again. */
export const resumeTaskAction = operatorAction(ZTaskIdInputSchema, async ({ id }, { operator }) => {
  // A task paused by its divergence policy is Paused as soon as its engine records it; the process
  // then closes its connections. Starting before it is gone would start nothing (it still counts
  // as running here) while the task said Synchronizing.
  if (!(await engineExited(id, 20_000))) throw new DtsError("CONFLICT", "The engine is still finishing the pause; click Resume again in a few seconds.");
  const checkpoints = await getCheckpoints({ taskId: id });
  const incremental = checkpoints.length > 0 && checkpoints.every((c) => c.phase === "incremental");
  const task = await setTaskState({ id, state: incremental ? "synchronizing" : "initializing", from: ["paused"] });
  if (!task) throw new DtsError("INVALID_CONFIG", "Only a paused task can be resumed.");
  await addTaskEvent({ taskId: id, level: "info", message: `Resumed by ${operator.username}.` });
  // The precheck passed before the task first started; resuming does not repeat it.
  startEngine(id, { skipPrecheck: true });
  return { id, state: task.state };
});
