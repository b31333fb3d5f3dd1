"use client";

import { useQuery } from "@tanstack/react-query";
import type { PrecheckView } from "@/contracts/precheck-view.types";

export const precheckKey = (taskId: string) => ["precheck", taskId] as const;

/** The latest precheck run, polled every second while it runs. */
export function usePrecheck(taskId: string, initial?: PrecheckView) {
  return useQuery({
    queryKey: precheckKey(taskId),
    initialData: initial,
    initialDataUpdatedAt: initial ? Date.now() : undefined,
    refetchInterval: (q) => (q.state.data?.running || q.state.data?.run?.status === "running" ? 1000 : 10_000),
    queryFn: async ({ signal }): Promise<PrecheckView> => {
      const res = await fetch(`/api/tasks/${encodeURIComponent(taskId)}/precheck`, { signal, cache: "no-store" });
      if (res.status === 401) {
        window.location.assign(`/sign-in?next=${encodeURIComponent(window.location.pathname)}`);
        throw new Error("signed out");
      }
      if (!res.ok) throw new Error(`the precheck could not be loaded (HTTP ${res.status})`);
      return res.json();
    },
  });
}
