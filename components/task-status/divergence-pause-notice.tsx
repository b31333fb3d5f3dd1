"use client";

import { useRouter } from "next/navigation";
import { useQueryClient } from "@tanstack/react-query";
import { resumeTaskAction } from "@/server/actions/resume-task.action";
import { setDivergencePolicyAction } from "@/server/actions/set-divergence-policy.action";
import { DIVERGENCE_POLICY_OPTIONS } from "@/contracts/divergence-policy";
import { Button } from "@/components/ui/button";
import { useActionMutation } from "@/components/ui/use-action-mutation";
import { taskStatusKey } from "./use-task-status";

/** the task's error without the runner's prefix, which the heading says already */
function sentence(reason: string): string {
  const rest = reason.replace(/^paused at a refused or inexact write:\s*/i, "");
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

const SKIP_LABEL = DIVERGENCE_POLICY_OPTIONS.find((o) => o.value === "skip")!.label;

/**
 * A task the divergence policy paused: the write and why, in words, and the two ways on: fix the
 * cause then Resume (the write is applied again), or switch to "skip and record" and resume.
 */
export function DivergencePauseNotice({ taskId, reason }: { taskId: string; reason: string }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const refresh = () => Promise.all([queryClient.invalidateQueries({ queryKey: taskStatusKey(taskId) }), queryClient.invalidateQueries({ queryKey: ["task-events", taskId] })]);
  const resume = useActionMutation(resumeTaskAction, { onSuccess: () => void refresh() });
  const skip = useActionMutation(setDivergencePolicyAction, {
    onSuccess: () => {
      // the configuration tab shows the policy from the page's own data
      router.refresh();
      resume.mutate({ id: taskId });
    },
  });
  const busy = skip.isPending || resume.isPending;
  const error = skip.error ?? resume.error;
  return (
    <div role="alert" data-testid="divergence-pause" className="max-w-3xl space-y-2 rounded-md border border-red-200 bg-red-50 px-3 py-2.5 text-sm text-red-900">
      <p className="font-semibold">Paused at a write the destination refused or that cannot be applied exactly</p>
      <p className="break-words">{sentence(reason)}</p>
      <p className="text-red-900/90">
        What to do: fix the cause on the destination (a key of another type, a missing module, memory or ACL limits), then click <span className="font-semibold">Resume</span>: the task continues
        from that write and applies it again. Or switch to &ldquo;{SKIP_LABEL}&rdquo; and resume: the write is skipped, its keys stay listed below, and Data Verification checks them first.
      </p>
      <div className="flex flex-wrap items-center gap-3 pt-0.5">
        <Button variant="secondary" disabled={busy} onClick={() => skip.mutate({ id: taskId, onInexact: "skip" })}>
          {busy ? "Switching…" : "Skip and record, then Resume"}
        </Button>
        {error && <span className="text-red-700">{error.message}</span>}
      </div>
    </div>
  );
}
