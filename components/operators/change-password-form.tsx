"use client";

import { useState, type FormEvent } from "react";
import { changeOwnPasswordAction } from "@/server/actions/change-password.action";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/text-field";
import { useActionMutation } from "@/components/ui/use-action-mutation";

export function ChangePasswordForm() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const change = useActionMutation(changeOwnPasswordAction, {
    onSuccess: () => {
      setCurrent("");
      setNext("");
    },
  });
  const fieldError = (k: string) => change.error?.fieldErrors?.[k]?.[0];
  function submit(e: FormEvent) {
    e.preventDefault();
    change.mutate({ current, next });
  }
  return (
    <form onSubmit={submit} noValidate className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 sm:p-5">
      <h2 className="text-base font-semibold text-slate-900">Change your password</h2>
      <TextField label="Current password" name="current" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} error={fieldError("current")} />
      <TextField label="New password" name="next" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} error={fieldError("next")} hint="At least 12 characters. Your other sessions are signed out." />
      {change.error && !change.error.fieldErrors && <p role="alert" className="text-sm text-red-700">{change.error.message}</p>}
      {change.isSuccess && <p role="status" className="text-sm text-green-800">Your password was changed; your other sessions were signed out.</p>}
      <Button type="submit" disabled={change.isPending}>
        {change.isPending ? "Saving…" : "Change Password"}
      </Button>
    </form>
  );
}
