"use server";

import { operatorAction } from "@/server/auth/operator-action";
import { resumeTask } from "@/server/tasks/resume-task";
import { ZTaskIdInputSchema } from "@/contracts/task.types";

/** Back to work from the checkpoints: incremental when every shard has one, else the full sync again. */
export const resumeTaskAction = operatorAction(ZTaskIdInputSchema, async ({ id }, { operator }) => {
  const task = await resumeTask({ id, by: operator.username });
  return { id, state: task.state };
});
