"use client";

import { useRouter } from "next/navigation";
import { deleteTaskAction } from "@/app/(console)/tasks/delete-task.action";
import { Button } from "@/components/ui/button";
import { Modal } from "@/components/ui/modal";
import { useActionMutation } from "@/components/ui/use-action-mutation";
import type { TaskSummary } from "@/server/db/task/task-summary";
import { RUNNING_STATES } from "@/server/db/task/task.types";

export function DeleteTaskDialog({ task, onClose }: { task: TaskSummary | null; onClose: () => void }) {
  return (
    <Modal open={task !== null} onClose={onClose} title="Delete Task">
      {task && <DeleteTaskConfirm key={task.id} task={task} onClose={onClose} />}
    </Modal>
  );
}

function DeleteTaskConfirm({ task, onClose }: { task: TaskSummary; onClose: () => void }) {
  const router = useRouter();
  const remove = useActionMutation(deleteTaskAction, {
    invalidate: ["tasks"],
    onSuccess: () => {
      onClose();
      router.refresh();
    },
  });
  const running = RUNNING_STATES.includes(task.state) || task.state === "paused";
  return (
    <div className="space-y-3 text-sm text-slate-700">
      <p>
        Delete <span className="font-semibold break-words text-slate-900">{task.name}</span> with its configuration, checkpoints, events and metrics? This cannot be undone.
      </p>
      {running && <p className="rounded-md bg-amber-50 px-3 py-2 text-amber-900">The task is {task.state === "paused" ? "paused" : "running"}: its synchronization stops for good.</p>}
      <p>Data already written to the destination stays there.</p>
      {remove.error && (
        <p role="alert" className="text-red-700">
          {remove.error.message}
        </p>
      )}
      <div className="flex justify-end gap-2 pt-2">
        <Button variant="secondary" onClick={onClose} autoFocus>
          Cancel
        </Button>
        <Button variant="danger" disabled={remove.isPending} onClick={() => remove.mutate({ id: task.id })}>
          {remove.isPending ? "Deleting…" : "Delete Task"}
        </Button>
      </div>
    </div>
  );
}
