import "server-only";
import type { WorkerTaskStatus } from "./task-status";

/** The alert rules of a task, evaluated by the worker that does its task-wide work (filled in by the alerts). */
export async function evaluateAlerts(_taskId: string, _status: WorkerTaskStatus): Promise<void> {}
