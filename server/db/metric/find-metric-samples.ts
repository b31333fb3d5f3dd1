import "server-only";
import { getDb } from "../client";

export interface FindMetricSamplesOptions {
  taskId: string;
  since?: Date;
  take?: number;
}

/** Samples in time order (oldest first, as charts draw them): the latest `take` since `since`. */
export async function findMetricSamples({ taskId, since, take = 600 }: FindMetricSamplesOptions) {
  const rows = await getDb().metricSample.findMany({
    where: { taskId, ...(since && { time: { gte: since } }) },
    orderBy: [{ time: "desc" }, { id: "desc" }],
    take,
  });
  return rows.reverse();
}
