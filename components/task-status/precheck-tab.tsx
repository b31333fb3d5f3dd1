"use client";

import { useRouter } from "next/navigation";
import { useQueryClient } from "@tanstack/react-query";
import { runPrecheckAction } from "@/server/actions/run-precheck.action";
import { startTaskAction } from "@/server/actions/start-task.action";
import { Button } from "@/components/ui/button";
import { useActionMutation } from "@/components/ui/use-action-mutation";
import { PrecheckResults } from "@/components/wizard/precheck-results";
import { precheckKey, usePrecheck } from "@/components/wizard/use-precheck";
import type { TTaskState } from "@/contracts/task.types";
import { CONFIGURABLE_STATES, isIn } from "@/contracts/task-state-machine";
import { taskStatusKey } from "./use-task-status";


/** The latest precheck, and "Precheck Again" for a task that is not running. */
export function PrecheckTab({ taskId, state }: { taskId: string; state: TTaskState }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const { data, error } = usePrecheck(taskId);
  const again = useActionMutation(runPrecheckAction, {
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: precheckKey(taskId) });
      void queryClient.invalidateQueries({ queryKey: taskStatusKey(taskId) });
    },
  });
  const start = useActionMutation(startTaskAction, { onSuccess: () => router.refresh(), invalidate: taskStatusKey(taskId) });
  const running = Boolean(data?.running || data?.run?.status === "running" || again.isPending);
  return (
    <div className="space-y-3">
      {isIn(CONFIGURABLE_STATES, state) && (
        <div className="flex flex-wrap items-center gap-2">
          <Button variant="secondary" disabled={running} onClick={() => again.mutate({ id: taskId })}>
            Precheck Again
          </Button>
          {data?.canStart && (
            <Button disabled={start.isPending} onClick={() => start.mutate({ id: taskId })}>
              {start.isPending ? "Starting…" : "Start Task"}
            </Button>
          )}
          <span className="text-xs text-slate-500">Runs every check against the servers as configured now.</span>
        </div>
      )}
      {(again.error || start.error || error) && (
        <p role="alert" className="text-sm text-red-700">
          {again.error?.message ?? start.error?.message ?? error?.message}
        </p>
      )}
      {data ? <PrecheckResults view={data} /> : <p className="text-sm text-slate-500">Loading the precheck…</p>}
    </div>
  );
}
