import "server-only";
import { getDb } from "../client";
import { ZTaskStateSchema } from "../../../contracts/task.types";
import type { EndpointSummary, TaskSummary } from "../../../contracts/task-summary";

export interface FindTasksOptions {
  /** only tasks with this region label; undefined = all */
  regionLabel?: string;
  take?: number;
}

const endpointSelect = { role: true, host: true, port: true, mode: true, regionLabel: true } as const;

/** The task list, newest first, with endpoints and the latest latency sample. */
export async function findTasks({ regionLabel, take = 500 }: FindTasksOptions = {}): Promise<TaskSummary[]> {
  const tasks = await getDb().task.findMany({
    where: regionLabel === undefined ? {} : { regionLabel },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take,
    include: {
      endpoints: { select: endpointSelect },
      metrics: { select: { latencyMs: true }, orderBy: { time: "desc" }, take: 1 },
    },
  });
  return tasks.map((t) => {
    const endpoint = (role: string): EndpointSummary | null => {
      const e = t.endpoints.find((x) => x.role === role);
      return e && e.host ? { host: e.host, port: e.port, mode: e.mode, regionLabel: e.regionLabel } : null;
    };
    const state = ZTaskStateSchema.safeParse(t.state);
    return {
      id: t.id,
      name: t.name,
      regionLabel: t.regionLabel,
      state: state.success ? state.data : "failed",
      error: t.error,
      createdAt: t.createdAt.toISOString(),
      updatedAt: t.updatedAt.toISOString(),
      source: endpoint("source"),
      destination: endpoint("destination"),
      latencyMs: t.metrics[0]?.latencyMs ?? null,
      wizardStep: t.wizardStep,
    };
  });
}
