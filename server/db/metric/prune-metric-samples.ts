import "server-only";
import { getDb } from "../client";

export interface PruneMetricSamplesOptions {
  /** one task's samples; every task's when absent */
  taskId?: string;
  /** delete samples older than this */
  before: Date;
}

/** A sample every few seconds per task adds up: keep the retention window (server/runner/retention.ts). */
export async function pruneMetricSamples({ taskId, before }: PruneMetricSamplesOptions): Promise<number> {
  const result = await getDb().metricSample.deleteMany({ where: { ...(taskId && { taskId }), time: { lt: before } } });
  return result.count;
}
