"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import type { TaskSummary } from "@/contracts/task-summary";
import { CreateTaskDialog } from "./create-task-dialog";
import { DeleteTaskDialog } from "./delete-task-dialog";
import { EmptyState } from "./empty-state";
import { RegionTabs } from "./region-tabs";
import { RenameTaskDialog } from "./rename-task-dialog";
import { TASK_GRID, TaskRow } from "./task-row";
import { useTaskList, type TaskListData } from "./use-task-list";

/** The console's home: "Synchronization Tasks", live. */
export function TaskList({ region, initial }: { region: string | null; initial: TaskListData }) {
  const { data, error: loadError } = useTaskList(region, initial);
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<TaskSummary | null>(null);
  const [deleting, setDeleting] = useState<TaskSummary | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const notice = actionError ?? (loadError ? `Live updates paused: ${loadError.message}. Retrying…` : null);

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold text-slate-900">Synchronization Tasks</h1>
          <p className="mt-1 text-sm text-slate-600">One-way synchronization from a source Redis to a destination Redis: full data first, then every write.</p>
        </div>
        <Button onClick={() => setCreating(true)}>Create Task</Button>
      </div>

      <RegionTabs regions={data.regions} active={region} />

      {notice && (
        <p role="alert" className="flex items-start justify-between gap-3 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          <span>{notice}</span>
          {actionError && (
            <button type="button" className="text-amber-900 underline" onClick={() => setActionError(null)}>
              Dismiss
            </button>
          )}
        </p>
      )}

      {data.tasks.length === 0 ? (
        <EmptyState region={region} onCreate={() => setCreating(true)} />
      ) : (
        <section aria-label="Tasks" className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-xs">
          <div aria-hidden className={`hidden border-b border-slate-200 bg-slate-50 px-5 py-2 text-xs font-semibold tracking-wide text-slate-600 uppercase md:grid ${TASK_GRID}`}>
            <span>Task</span>
            <span>Source → Destination</span>
            <span>State</span>
            <span>Latency</span>
            <span>Created</span>
            <span>Actions</span>
          </div>
          <ul className="divide-y divide-slate-200">
            {data.tasks.map((task) => (
              <TaskRow key={task.id} task={task} onRename={() => setRenaming(task)} onDelete={() => setDeleting(task)} onError={setActionError} />
            ))}
          </ul>
        </section>
      )}

      <CreateTaskDialog open={creating} onClose={() => setCreating(false)} region={region} />
      <RenameTaskDialog task={renaming} onClose={() => setRenaming(null)} />
      <DeleteTaskDialog task={deleting} onClose={() => setDeleting(null)} />
    </div>
  );
}
