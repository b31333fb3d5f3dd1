import "server-only";
import { getDb } from "../client";

export interface AddMetricSampleOptions {
  taskId: string;
  time?: Date;
  opsPerSec: number;
  latencyMs: number | null;
  keys: number;
  bytes: number;
  lagBytes: number;
}

export async function addMetricSample({ taskId, time, ...values }: AddMetricSampleOptions) {
  return getDb().metricSample.create({ data: { taskId, ...values, ...(time && { time }) } });
}
