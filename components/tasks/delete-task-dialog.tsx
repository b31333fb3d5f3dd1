"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { deleteTaskAction } from "@/server/actions/delete-task.action";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { useActionMutation } from "@/components/ui/use-action-mutation";
import type { TaskSummary } from "@/contracts/task-summary";
import { STOPPABLE_STATES, isIn } from "@/contracts/task-state-machine";

export function DeleteTaskDialog({ task, onClose }: { task: TaskSummary | null; onClose: () => void }) {
  return (
    <Dialog open={task !== null} onClose={onClose} title="Delete Task">
      {task && <DeleteTaskConfirm key={task.id} task={task} onClose={onClose} />}
    </Dialog>
  );
}

function DeleteTaskConfirm({ task, onClose }: { task: TaskSummary; onClose: () => void }) {
  const router = useRouter();
  // what could not be removed from a side stays on screen: the task itself is gone already
  const [leftOver, setLeftOver] = useState<string[] | null>(null);
  const remove = useActionMutation(deleteTaskAction, {
    invalidate: ["tasks"],
    onSuccess: (data) => {
      router.refresh();
      if (data.warnings.length > 0) setLeftOver(data.warnings);
      else onClose();
    },
  });
  if (leftOver) {
    return (
      <div className="space-y-3 text-sm text-slate-700">
        <p>The task was deleted.</p>
        <ul role="alert" className="space-y-1 rounded-md bg-amber-50 px-3 py-2 text-amber-900">
          {leftOver.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
        <div className="flex justify-end pt-2">
          <Button onClick={onClose} autoFocus>
            Close
          </Button>
        </div>
      </div>
    );
  }
  const running = isIn(STOPPABLE_STATES, task.state);
  return (
    <div className="space-y-3 text-sm text-slate-700">
      <p>
        Delete <span className="font-semibold break-words text-slate-900">{task.name}</span> with its configuration, checkpoints, events and metrics? This cannot be undone.
      </p>
      {running && <p className="rounded-md bg-amber-50 px-3 py-2 text-amber-900">The task is {task.state === "paused" ? "paused" : "running"}: its synchronization stops for good.</p>}
      <p>Data already written to the destination stays there; the task&apos;s own keys (DTS_REDIS_TIMESTAMP_HEARTBEAT…) are removed from both sides.</p>
      {remove.error && (
        <p role="alert" className="text-red-700">
          {remove.error.message}
        </p>
      )}
      <div className="flex justify-end gap-2 pt-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button variant="danger" disabled={remove.isPending} onClick={() => remove.mutate({ id: task.id })}>
          {remove.isPending ? "Deleting…" : "Delete Task"}
        </Button>
      </div>
    </div>
  );
}
