"use client";

import { useQuery } from "@tanstack/react-query";
import type { TaskStatusView } from "@/contracts/task-status-view.types";

export const taskStatusKey = (taskId: string) => ["task-status", taskId] as const;

const BUSY = new Set(["prechecking", "initializing", "synchronizing"]);

async function getJson<T>(url: string, signal: AbortSignal, what: string): Promise<T> {
  const res = await fetch(url, { signal, cache: "no-store" });
  if (res.status === 401) {
    window.location.assign(`/sign-in?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
    throw new Error("signed out");
  }
  if (res.status === 404) throw new Error("this task no longer exists");
  if (!res.ok) throw new Error(`${what} could not be loaded (HTTP ${res.status})`);
  return res.json();
}

/** The task's state and live engine figures: every second while the engine works, else every 5 s. */
export function useTaskStatus(taskId: string, initial: TaskStatusView) {
  return useQuery({
    queryKey: taskStatusKey(taskId),
    initialData: initial,
    initialDataUpdatedAt: Date.now(),
    refetchInterval: (q) => (BUSY.has(q.state.data?.state ?? "") ? 1000 : 5000),
    queryFn: ({ signal }) => getJson<TaskStatusView>(`/api/tasks/${encodeURIComponent(taskId)}/status`, signal, "the status"),
  });
}

export interface MetricSeries {
  since: string;
  time: number[];
  latencyMs: (number | null)[];
  opsPerSec: number[];
  lagBytes: number[];
}

export function useMetrics(taskId: string, window: string, live: boolean) {
  return useQuery({
    queryKey: ["task-metrics", taskId, window],
    refetchInterval: live ? 5000 : 30_000,
    queryFn: ({ signal }) => getJson<MetricSeries>(`/api/tasks/${encodeURIComponent(taskId)}/metrics?window=${window}`, signal, "the metrics"),
  });
}

export interface TaskEventView {
  id: number;
  time: string;
  level: string;
  message: string;
  code: string | null;
}

export function useEvents(taskId: string, levels: string[]) {
  return useQuery({
    queryKey: ["task-events", taskId, levels.join(",")],
    refetchInterval: 3000,
    queryFn: ({ signal }) => getJson<{ events: TaskEventView[] }>(`/api/tasks/${encodeURIComponent(taskId)}/events?level=${levels.join(",")}&take=300`, signal, "the events"),
  });
}

export { getJson };
