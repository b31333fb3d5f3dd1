"use client";

import Link from "next/link";
import { pauseTaskAction } from "@/server/actions/pause-task.action";
import { resumeTaskAction } from "@/server/actions/resume-task.action";
import { Button } from "@/components/ui/button";
import { useActionMutation } from "@/components/ui/use-action-mutation";
import type { TaskSummary } from "@/contracts/task-summary";
import { CONFIGURABLE_STATES, PAUSABLE_STATES, RUNNING_STATES, isIn } from "@/contracts/task-state-machine";
import { formatDateTime, formatEndpoint, formatLatency, formatMode } from "./format";
import { StateBadge } from "./state-badge";

/** States in which the channel (source, destination, objects) may still be configured. */

export const TASK_GRID = "md:grid md:grid-cols-[minmax(0,1.6fr)_minmax(0,1.9fr)_8.5rem_5rem_8.5rem_minmax(0,1.7fr)] md:items-center md:gap-4";

export function TaskRow({ task, onRename, onDelete, onError }: { task: TaskSummary; onRename: () => void; onDelete: () => void; onError: (message: string | null) => void }) {
  const pause = useActionMutation(pauseTaskAction, { invalidate: ["tasks"], onSuccess: () => onError(null) });
  const resume = useActionMutation(resumeTaskAction, { invalidate: ["tasks"], onSuccess: () => onError(null) });
  const busy = pause.isPending || resume.isPending;
  const label = (text: string) => <span className="text-slate-500 md:hidden">{text} </span>;

  return (
    <li data-task-id={task.id} aria-label={task.name} className={`space-y-2 px-4 py-4 md:space-y-0 md:px-5 md:py-3 ${TASK_GRID}`}>
      <div className="flex min-w-0 items-start justify-between gap-3 md:block">
        <div className="min-w-0">
          <Link href={`/tasks/${task.id}`} className="block font-medium break-words text-slate-900 hover:text-blue-700" data-testid="task-name">
            {task.name}
          </Link>
          <p className="truncate font-mono text-xs text-slate-500" title={task.id}>
            {task.id}
          </p>
        </div>
        <div className="shrink-0 md:hidden">
          <StateBadge state={task.state} />
        </div>
      </div>

      <div className="min-w-0 text-sm text-slate-700">
        {!task.source && !task.destination ? (
          <p className="text-slate-500">Not configured yet</p>
        ) : (
          <>
            <p className="break-words">
              {formatEndpoint(task.source)}
              {task.source && <span className="text-xs text-slate-500"> ({formatMode(task.source.mode)})</span>}
            </p>
            <p className="break-words">
              <span className="text-slate-400">→ </span>
              {formatEndpoint(task.destination)}
              {task.destination && <span className="text-xs text-slate-500"> ({formatMode(task.destination.mode)})</span>}
            </p>
          </>
        )}
        {task.error && (task.state === "failed" || task.state === "precheck_failed") && (
          <p className="mt-0.5 line-clamp-2 text-xs text-red-700" title={task.error}>
            {task.error}
          </p>
        )}
      </div>

      <div className="hidden md:block">
        <StateBadge state={task.state} />
      </div>

      <div className="flex gap-x-5 text-sm md:contents">
        <div className="text-slate-700 tabular-nums">
          {label("Latency")}
          {/* a stopped task's last sample would read as if it were still following */}
          {formatLatency(isIn(RUNNING_STATES, task.state) ? task.latencyMs : null)}
        </div>
        <div className="text-slate-700 tabular-nums">
          {label("Created")}
          <time dateTime={task.createdAt} suppressHydrationWarning>
            {formatDateTime(task.createdAt)}
          </time>
        </div>
      </div>

      <div className="flex flex-wrap items-center gap-x-4 gap-y-1.5 pt-1 text-sm md:pt-0">
        {isIn(CONFIGURABLE_STATES, task.state) && (
          <Link href={`/tasks/${task.id}/configure`} className="text-blue-700 hover:text-blue-900 hover:underline">
            Configure Synchronization Channel
          </Link>
        )}
        <Link href={`/tasks/${task.id}`} className="text-blue-700 hover:text-blue-900 hover:underline">
          View
        </Link>
        {isIn(PAUSABLE_STATES, task.state) && (
          <Button variant="link" disabled={busy} onClick={() => pause.mutate({ id: task.id }, { onError: (e) => onError(e.message) })}>
            Pause
          </Button>
        )}
        {task.state === "paused" && (
          <Button variant="link" disabled={busy} onClick={() => resume.mutate({ id: task.id }, { onError: (e) => onError(e.message) })}>
            Resume
          </Button>
        )}
        <Button variant="link" onClick={onRename}>
          Rename
        </Button>
        <Button variant="link" className="!text-red-700 hover:!text-red-900" onClick={onDelete}>
          Delete
        </Button>
      </div>
    </li>
  );
}
