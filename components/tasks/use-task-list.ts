"use client";

import { useQuery } from "@tanstack/react-query";
import type { TaskSummary } from "@/contracts/task-summary";

export interface TaskListData {
  tasks: TaskSummary[];
  regions: { label: string; tasks: number }[];
}

export const taskListKey = (region: string | null) => ["tasks", region ?? ""] as const;

/** The task list, polled every few seconds so states and latency stay live. */
export function useTaskList(region: string | null, initial: TaskListData) {
  return useQuery({
    queryKey: taskListKey(region),
    initialData: initial,
    initialDataUpdatedAt: Date.now(),
    refetchInterval: 3000,
    queryFn: async ({ signal }): Promise<TaskListData> => {
      const res = await fetch(`/api/tasks${region ? `?region=${encodeURIComponent(region)}` : ""}`, { signal, cache: "no-store" });
      if (res.status === 401) {
        window.location.assign(`/sign-in?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
        throw new Error("signed out");
      }
      if (!res.ok) throw new Error(`the task list could not be loaded (HTTP ${res.status})`);
      return res.json();
    },
  });
}
