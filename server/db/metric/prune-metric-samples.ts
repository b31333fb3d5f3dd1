import "server-only";
import { getDb } from "../client";

export interface PruneMetricSamplesOptions {
  taskId: string;
  /** delete samples older than this */
  before: Date;
}

/** One sample a second adds up: keep the window the charts show. */
export async function pruneMetricSamples({ taskId, before }: PruneMetricSamplesOptions): Promise<number> {
  const result = await getDb().metricSample.deleteMany({ where: { taskId, time: { lt: before } } });
  return result.count;
}
