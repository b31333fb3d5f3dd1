import "server-only";
import { getDb } from "../client";
import { RUNNING_STATES } from "../../../contracts/task-state-machine";

export interface FindRunningTaskTargetsOptions {
  /** the task asking (its own destination is no other task's) */
  exceptTaskId: string;
}

export interface RunningTaskTarget {
  taskName: string;
  host: string;
  port: number;
}

/**
 * The destinations of the other tasks that are running, for the precheck's "another task writes
 * there" warning. Its own small query, not the task list: the list (every task, its endpoints, its
 * latest latency) cost each engine start ~50 ms before its first byte copied.
 */
export async function findRunningTaskTargets({ exceptTaskId }: FindRunningTaskTargetsOptions): Promise<RunningTaskTarget[]> {
  const tasks = await getDb().task.findMany({
    where: { id: { not: exceptTaskId }, state: { in: [...RUNNING_STATES] } },
    select: { name: true, endpoints: { where: { role: "destination" }, select: { host: true, port: true } } },
  });
  return tasks.flatMap((t) => t.endpoints.filter((e) => e.host).map((e) => ({ taskName: t.name, host: e.host, port: e.port })));
}
