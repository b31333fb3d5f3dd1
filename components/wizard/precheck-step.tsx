"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useQueryClient } from "@tanstack/react-query";
import { runPrecheckAction } from "@/server/actions/run-precheck.action";
import { startTaskAction } from "@/server/actions/start-task.action";
import type { PrecheckView } from "@/contracts/precheck-view.types";
import { Button, buttonClass } from "@/components/ui/button";
import { useActionMutation } from "@/components/ui/use-action-mutation";
import { PrecheckResults } from "./precheck-results";
import { SourceReaderConsent } from "./source-reader-consent";
import { precheckKey, usePrecheck } from "./use-precheck";
import { WizardNav } from "./wizard-frame";

/** Step 5: the precheck's result, Precheck Again, and Start once nothing failed. */
export function PrecheckStep({ taskId, initial }: { taskId: string; initial: PrecheckView }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const { data, error: loadError } = usePrecheck(taskId, initial);
  const view = data ?? initial;
  const again = useActionMutation(runPrecheckAction, { onSuccess: () => void queryClient.invalidateQueries({ queryKey: precheckKey(taskId) }) });
  const start = useActionMutation(startTaskAction, { onSuccess: (d) => router.push(d.next) });
  const running = view.running || view.run?.status === "running" || again.isPending;
  const problem = start.error?.message ?? again.error?.message ?? (loadError ? `Live updates paused: ${loadError.message}` : null);
  return (
    <div className="space-y-5">
      <p className="max-w-3xl text-sm text-slate-700">
        Before a task can start, the precheck verifies connectivity, authentication, versions, permissions, instance modes, conflicting keys, database mapping, memory, eviction policy and the
        replication backlog of both sides. The task can start only when no item failed; warnings do not block it.
      </p>
      <SourceReaderConsent taskId={taskId} view={view} disabled={running || start.isPending} />
      <PrecheckResults view={view} />
      <WizardNav
        back={
          <Link href={`/tasks/${taskId}/configure/initial-sync`} className={buttonClass("secondary")}>
            Back
          </Link>
        }
        note={
          problem ? (
            <p role="alert" className="text-red-700">
              {problem}
            </p>
          ) : (
            !running &&
            !view.canStart &&
            view.startBlocked && <p className="text-slate-600">{view.startBlocked}</p>
          )
        }
      >
        <Button variant="secondary" disabled={running || start.isPending} onClick={() => again.mutate({ id: taskId })}>
          Precheck Again
        </Button>
        <Button disabled={running || !view.canStart || start.isPending} onClick={() => start.mutate({ id: taskId })}>
          {start.isPending ? "Starting…" : "Start Task"}
        </Button>
      </WizardNav>
    </div>
  );
}
