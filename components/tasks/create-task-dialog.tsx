"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { createTaskAction } from "@/server/actions/create-task.action";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/text-field";
import { useActionMutation } from "@/components/ui/use-action-mutation";
import { generateTaskName } from "@/contracts/generate-task-name";

export function CreateTaskDialog({ open, onClose, region }: { open: boolean; onClose: () => void; region: string | null }) {
  return (
    <Dialog open={open} onClose={onClose} title="Create Task">
      {/* Remounted on each open, so a fresh name is suggested every time. */}
      {open && <CreateTaskForm onClose={onClose} region={region} />}
    </Dialog>
  );
}

function CreateTaskForm({ onClose, region }: { onClose: () => void; region: string | null }) {
  const router = useRouter();
  const [suggested] = useState(() => generateTaskName());
  const create = useActionMutation(createTaskAction, {
    invalidate: ["tasks"],
    onSuccess: () => {
      onClose();
      router.refresh();
    },
  });
  const fieldError = (key: string) => create.error?.fieldErrors?.[key]?.[0];

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate({ name: String(form.get("name") ?? ""), regionLabel: String(form.get("regionLabel") ?? "") });
  }

  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      <TextField
        label="Synchronization Task Name"
        name="name"
        defaultValue={suggested}
        hint="A name is suggested; an informative one makes the task easy to find. It does not have to be unique."
        error={fieldError("name")}
        maxLength={128}
        required
      />
      <TextField
        label="Region label"
        name="regionLabel"
        defaultValue={region ?? "default"}
        hint="Groups tasks into the tabs above, e.g. the site or data center of the destination."
        error={fieldError("regionLabel")}
        maxLength={64}
        required
      />
      {create.error && !create.error.fieldErrors && (
        <p role="alert" className="text-sm text-red-700">
          {create.error.message}
        </p>
      )}
      <div className="flex justify-end gap-2 pt-1">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create"}
        </Button>
      </div>
    </form>
  );
}
