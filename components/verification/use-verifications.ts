"use client";

import { useQuery } from "@tanstack/react-query";
import type { VerificationRunView } from "@/contracts/verification-view.types";
import { getJson } from "@/components/task-status/use-task-status";

export const verificationsKey = (taskId: string) => ["verifications", taskId] as const;

/** The task's verification runs; polled every second and a half while one runs. */
export function useVerifications(taskId: string) {
  return useQuery<{ runs: VerificationRunView[] }>({
    queryKey: verificationsKey(taskId),
    refetchInterval: (q) => (q.state.data?.runs.some((r) => r.status === "running") ? 1500 : 15_000),
    queryFn: ({ signal }) => getJson(`/api/tasks/${encodeURIComponent(taskId)}/verifications`, signal, "the verifications"),
  });
}
