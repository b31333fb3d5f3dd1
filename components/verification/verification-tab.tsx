"use client";

import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { startVerificationAction } from "@/server/actions/start-verification.action";
import { cancelVerificationAction } from "@/server/actions/cancel-verification.action";
import { Button } from "@/components/ui/button";
import { useActionMutation } from "@/components/ui/use-action-mutation";
import { RadioGroup } from "@/components/wizard/radio-group";
import { formatDateTime } from "@/components/tasks/format";
import { useVerifications, verificationsKey } from "./use-verifications";
import { VerificationRunDetails, VerificationStatus } from "./verification-run";

/** "Data Verification": compare source and destination, follow the progress, keep every run. */
export function VerificationTab({ taskId, configured, synchronizing }: { taskId: string; configured: boolean; synchronizing: boolean }) {
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<"full" | "quick">("full");
  const { data, error } = useVerifications(taskId);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: verificationsKey(taskId) });
  const start = useActionMutation(startVerificationAction, { onSuccess: invalidate });
  const cancel = useActionMutation(cancelVerificationAction, { onSuccess: invalidate });
  const runs = data?.runs ?? [];
  const running = runs.some((r) => r.status === "running");
  const [latest, ...past] = runs;

  return (
    <div className="space-y-4">
      <section aria-label="Start a verification" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 sm:p-5">
        <p className="text-sm text-slate-700">
          Compares every key of the selected databases on both sides. {synchronizing && "While the task synchronizes the two sides are never equal at one instant: each difference is checked again after a delay, and only those that stay different are reported."}
        </p>
        <RadioGroup
          legend="Verification mode"
          name="verify-mode"
          value={mode}
          onChange={setMode}
          options={[
            { value: "full", label: "Full", description: "Type, value and TTL of every key." },
            { value: "quick", label: "Quick", description: "Key sets, types, lengths and whether a TTL is set: faster, reads less." },
          ]}
        />
        <div className="flex flex-wrap items-center gap-3">
          <Button disabled={!configured || running || start.isPending} onClick={() => start.mutate({ id: taskId, mode })}>
            {start.isPending ? "Starting…" : "Start Verification"}
          </Button>
          {!configured && <span className="text-sm text-slate-500">Configure the source and destination first.</span>}
          {running && <span className="text-sm text-slate-500">One verification at a time.</span>}
        </div>
        {(start.error || cancel.error || error) && (
          <p role="alert" className="text-sm text-red-700">
            {start.error?.message ?? cancel.error?.message ?? error?.message}
          </p>
        )}
      </section>

      {latest && (
        <section aria-label="Latest verification" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 sm:p-5">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <h2 className="flex items-center gap-2 text-sm font-semibold text-slate-900">
              Latest verification <VerificationStatus status={latest.status} />
            </h2>
            {latest.status === "running" && (
              <Button variant="secondary" disabled={cancel.isPending} onClick={() => cancel.mutate({ id: taskId, runId: latest.id })}>
                Cancel
              </Button>
            )}
          </div>
          <VerificationRunDetails taskId={taskId} run={latest} />
        </section>
      )}

      {past.length > 0 && (
        <section aria-label="Past verifications" className="rounded-lg border border-slate-200 bg-white">
          <h2 className="border-b border-slate-200 px-4 py-3 text-sm font-semibold text-slate-900 sm:px-5">Past verifications</h2>
          <ul className="divide-y divide-slate-100">
            {past.map((run) => (
              <li key={run.id}>
                <details className="group px-4 py-2.5 sm:px-5">
                  <summary className="flex cursor-pointer flex-wrap items-center gap-x-3 gap-y-1 text-sm">
                    <time className="text-slate-600 tabular-nums" suppressHydrationWarning>
                      {formatDateTime(run.startedAt)}
                    </time>
                    <VerificationStatus status={run.status} />
                    <span className="text-slate-600">
                      {run.mode === "quick" ? "Quick" : "Full"}
                      {run.result && ` · ${run.result.keys.toLocaleString("en-US")} keys · ${run.result.missing + run.result.extra + run.result.different} differences`}
                    </span>
                  </summary>
                  <div className="mt-2">
                    <VerificationRunDetails taskId={taskId} run={run} />
                  </div>
                </details>
              </li>
            ))}
          </ul>
        </section>
      )}
      {!latest && data && <p className="text-sm text-slate-500">No verification has run for this task yet.</p>}
    </div>
  );
}
