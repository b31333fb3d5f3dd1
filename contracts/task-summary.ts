import type { TTaskState } from "./task.types";

/** What the task list shows of a task: plain data, safe to send to the browser (no secrets). */
export interface TaskSummary {
  id: string;
  name: string;
  regionLabel: string;
  state: TTaskState;
  error: string | null;
  createdAt: string;
  updatedAt: string;
  source: EndpointSummary | null;
  destination: EndpointSummary | null;
  /** latest synchronization latency from the heartbeat, when the engine has reported one */
  latencyMs: number | null;
  wizardStep: number;
}

export interface EndpointSummary {
  host: string;
  port: number;
  mode: string;
  regionLabel: string;
}
