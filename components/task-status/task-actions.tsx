"use client";

import Link from "next/link";
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { pauseTaskAction } from "@/server/actions/pause-task.action";
import { resumeTaskAction } from "@/server/actions/resume-task.action";
import { stopTaskAction } from "@/server/actions/stop-task.action";
import { restartTaskAction } from "@/server/actions/restart-task.action";
import { Button, buttonClass } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { useActionMutation } from "@/components/ui/use-action-mutation";
import type { TTaskState } from "@/contracts/task.types";
import { CONFIGURABLE_STATES, STOPPABLE_STATES, isIn } from "@/contracts/task-state-machine";
import { taskStatusKey } from "./use-task-status";


/** What the operator can do with the task in its current state; each action drives the engine. */
export function TaskActions({ taskId, taskName, state }: { taskId: string; taskName: string; state: TTaskState }) {
  const queryClient = useQueryClient();
  const refresh = () => Promise.all([queryClient.invalidateQueries({ queryKey: taskStatusKey(taskId) }), queryClient.invalidateQueries({ queryKey: ["task-events", taskId] })]);
  const pause = useActionMutation(pauseTaskAction, { onSuccess: refresh });
  const resume = useActionMutation(resumeTaskAction, { onSuccess: refresh });
  const restart = useActionMutation(restartTaskAction, { onSuccess: refresh });
  const stop = useActionMutation(stopTaskAction, { onSuccess: () => (setConfirmStop(false), refresh()) });
  const [confirmStop, setConfirmStop] = useState(false);
  const busy = pause.isPending || resume.isPending || restart.isPending || stop.isPending;
  const error = pause.error ?? resume.error ?? restart.error ?? (confirmStop ? null : stop.error);

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        {isIn(CONFIGURABLE_STATES, state) && (
          <Link href={`/tasks/${taskId}/configure`} className={buttonClass(state === "failed" ? "secondary" : "primary")}>
            Configure Synchronization Channel
          </Link>
        )}
        {state === "failed" && (
          <Button disabled={busy} onClick={() => restart.mutate({ id: taskId })}>
            {restart.isPending ? "Restarting…" : "Restart"}
          </Button>
        )}
        {(state === "initializing" || state === "synchronizing") && (
          <Button variant="secondary" disabled={busy} onClick={() => pause.mutate({ id: taskId })}>
            {pause.isPending ? "Pausing…" : "Pause"}
          </Button>
        )}
        {state === "paused" && (
          <Button disabled={busy} onClick={() => resume.mutate({ id: taskId })}>
            {resume.isPending ? "Resuming…" : "Resume"}
          </Button>
        )}
        {isIn(STOPPABLE_STATES, state) && (
          <Button variant="secondary" className="!text-red-700" disabled={busy} onClick={() => setConfirmStop(true)}>
            Stop
          </Button>
        )}
      </div>
      {error && (
        <p role="alert" className="text-sm text-red-700">
          {error.message}
        </p>
      )}
      <Dialog open={confirmStop} onClose={() => setConfirmStop(false)} title="Stop Task">
        <div className="space-y-3 text-sm text-slate-700">
          <p>
            Stop <span className="font-semibold break-words text-slate-900">{taskName}</span> for good? The task becomes Finished and cannot be resumed; the data already on the destination stays there, and the task&apos;s own keys (DTS_REDIS_TIMESTAMP_HEARTBEAT…) are removed from both sides.
          </p>
          <p>To stop only for a while, use Pause.</p>
          {stop.error && (
            <p role="alert" className="text-red-700">
              {stop.error.message}
            </p>
          )}
          <div className="flex justify-end gap-2 pt-2">
            <Button variant="secondary" onClick={() => setConfirmStop(false)}>
              Cancel
            </Button>
            <Button variant="danger" disabled={stop.isPending} onClick={() => stop.mutate({ id: taskId })}>
              {stop.isPending ? "Stopping…" : "Stop Task"}
            </Button>
          </div>
        </div>
      </Dialog>
    </div>
  );
}
