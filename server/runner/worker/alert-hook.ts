import "server-only";
import { evaluateTaskAlerts } from "../alerts/evaluate-task-alerts";
import type { WorkerTaskStatus } from "./task-status";

/** The alert rules of a task, evaluated by the worker that does its task-wide work (its first shard). */
export async function evaluateAlerts(taskId: string, status: WorkerTaskStatus): Promise<void> {
  await evaluateTaskAlerts(taskId, { state: status.state, latencyMs: status.latencyMs, refused: status.divergence.refused, inexact: status.divergence.inexact });
}
