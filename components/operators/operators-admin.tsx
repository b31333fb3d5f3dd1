"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { createOperatorAction } from "@/server/actions/create-operator.action";
import { deleteOperatorAction } from "@/server/actions/delete-operator.action";
import { resetOperatorPasswordAction } from "@/server/actions/reset-operator-password.action";
import { setOperatorRoleAction } from "@/server/actions/set-operator-role.action";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/text-field";
import { useActionMutation } from "@/components/ui/use-action-mutation";
import { ROLE_LABEL, type TRole } from "@/contracts/roles";

export interface OperatorRow {
  id: string;
  username: string;
  role: TRole;
  lastSignInAt: string | null;
}

const ROLES: TRole[] = ["viewer", "operator", "admin"];

/** The admin's view: every operator with its role, a new operator, a password reset shown once. */
export function OperatorsAdmin({ operators, meId }: { operators: OperatorRow[]; meId: string }) {
  const router = useRouter();
  const [username, setUsername] = useState("");
  const [role, setRole] = useState<TRole>("operator");
  const [shown, setShown] = useState<{ username: string; password: string } | null>(null);
  const refresh = () => router.refresh();
  const create = useActionMutation(createOperatorAction, {
    onSuccess: (d) => {
      setUsername("");
      if (d.generatedPassword) setShown({ username: d.username, password: d.generatedPassword });
      refresh();
    },
  });
  const setRoleOf = useActionMutation(setOperatorRoleAction, { onSuccess: refresh });
  const remove = useActionMutation(deleteOperatorAction, { onSuccess: refresh });
  const reset = useActionMutation(resetOperatorPasswordAction, { onSuccess: (d) => setShown({ username: d.username, password: d.generatedPassword }) });
  const problem = [setRoleOf.error, remove.error, reset.error].find(Boolean);

  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate({ username, role });
  }

  return (
    <div className="space-y-5">
      {shown && (
        <div role="status" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          Password for <span className="font-medium">{shown.username}</span>: <code className="font-mono">{shown.password}</code> — shown only now; hand it over safely.
        </div>
      )}
      {problem && (
        <p role="alert" className="text-sm text-red-700">
          {problem.message}
        </p>
      )}
      <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" aria-label="Operators">
        {operators.map((o) => (
          <li key={o.id} aria-label={o.username} className="flex flex-wrap items-center gap-3 px-4 py-3 text-sm">
            <span className="min-w-32 font-medium text-slate-900">
              {o.username}
              {o.id === meId && <span className="font-normal text-slate-500"> (you)</span>}
            </span>
            <label className="flex items-center gap-2 text-slate-700">
              <span className="sr-only">Role of {o.username}</span>
              <select
                className="rounded-md border border-slate-300 bg-white px-2 py-1"
                value={o.role}
                onChange={(e) => setRoleOf.mutate({ id: o.id, role: e.target.value as TRole })}
              >
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {ROLE_LABEL[r]}
                  </option>
                ))}
              </select>
            </label>
            <span className="text-slate-500">{o.lastSignInAt ? `last sign-in ${new Date(o.lastSignInAt).toLocaleString()}` : "never signed in"}</span>
            <span className="ml-auto flex gap-2">
              <Button type="button" variant="secondary" onClick={() => reset.mutate({ id: o.id })}>
                Reset Password
              </Button>
              {o.id !== meId && (
                <Button type="button" variant="secondary" onClick={() => remove.mutate({ id: o.id })}>
                  Remove
                </Button>
              )}
            </span>
          </li>
        ))}
      </ul>
      <form onSubmit={submit} noValidate className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 sm:p-5">
        <h2 className="text-base font-semibold text-slate-900">Add an operator</h2>
        <TextField label="Username" name="username" value={username} onChange={(e) => setUsername(e.target.value)} error={create.error?.fieldErrors?.username?.[0]} autoComplete="off" maxLength={64} />
        <label className="block text-sm font-medium text-slate-800">
          Role
          <select name="role" className="mt-1 block rounded-md border border-slate-300 bg-white px-2 py-2 text-sm" value={role} onChange={(e) => setRole(e.target.value as TRole)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABEL[r]}
              </option>
            ))}
          </select>
        </label>
        {create.error && !create.error.fieldErrors && <p role="alert" className="text-sm text-red-700">{create.error.message}</p>}
        <Button type="submit" disabled={create.isPending}>
          {create.isPending ? "Adding…" : "Add Operator"}
        </Button>
        <p className="text-xs text-slate-500">A password is generated and shown once.</p>
      </form>
    </div>
  );
}
