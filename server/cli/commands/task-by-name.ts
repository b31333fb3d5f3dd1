import { UsageError, type ParsedArgs } from "../args";
import { DtsError } from "../../errors";
import { findTaskByName } from "../../db/task/find-task-by-name";

/** --task NAME of `status`, `stop`, `resume`: the newest task of that name, or a one-line error. */
export async function taskByName(args: ParsedArgs) {
  const name = typeof args.flags.task === "string" ? args.flags.task.trim() : "";
  if (!name) throw new UsageError("--task NAME is required");
  const task = await findTaskByName({ name });
  if (!task) throw new DtsError("INVALID_CONFIG", `no task named "${name}"`);
  return { task, name };
}
