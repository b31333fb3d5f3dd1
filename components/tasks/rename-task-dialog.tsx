"use client";

import { useRouter } from "next/navigation";
import type { FormEvent } from "react";
import { renameTaskAction } from "@/server/actions/rename-task.action";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/text-field";
import { useActionMutation } from "@/components/ui/use-action-mutation";
import type { TaskSummary } from "@/contracts/task-summary";

export function RenameTaskDialog({ task, onClose }: { task: TaskSummary | null; onClose: () => void }) {
  return (
    <Dialog open={task !== null} onClose={onClose} title="Rename Task">
      {task && <RenameTaskForm key={task.id} task={task} onClose={onClose} />}
    </Dialog>
  );
}

function RenameTaskForm({ task, onClose }: { task: TaskSummary; onClose: () => void }) {
  const router = useRouter();
  const rename = useActionMutation(renameTaskAction, {
    invalidate: ["tasks"],
    onSuccess: () => {
      onClose();
      router.refresh();
    },
  });
  const fieldError = (key: string) => rename.error?.fieldErrors?.[key]?.[0];

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    rename.mutate({ id: task.id, name: String(form.get("name") ?? ""), regionLabel: String(form.get("regionLabel") ?? "") });
  }

  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      <TextField label="Synchronization Task Name" name="name" defaultValue={task.name} error={fieldError("name")} maxLength={128} required />
      <TextField label="Region label" name="regionLabel" defaultValue={task.regionLabel} error={fieldError("regionLabel")} maxLength={64} required />
      {rename.error && !rename.error.fieldErrors && (
        <p role="alert" className="text-sm text-red-700">
          {rename.error.message}
        </p>
      )}
      <div className="flex justify-end gap-2 pt-1">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" disabled={rename.isPending}>
          {rename.isPending ? "Saving…" : "Save"}
        </Button>
      </div>
    </form>
  );
}
