"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { saveInstancesAction } from "@/server/actions/save-instances.action";
import { Button, buttonClass } from "@/components/ui/button";
import { TextField } from "@/components/ui/text-field";
import { useActionMutation } from "@/components/ui/use-action-mutation";
import { passwordReentryMessage, ZConfigureInstancesSchema } from "@/contracts/configure-task.types";
import type { EndpointView } from "@/contracts/endpoint.types";
import { EndpointFields, type EndpointDraft } from "./endpoint-fields";
import { WizardNav } from "./wizard-frame";

function draftOf(e: EndpointView | undefined, region: string): EndpointDraft {
  return {
    instanceType: e?.instanceType === "vpn_gateway" ? "vpn_gateway" : "self_managed",
    regionLabel: e?.regionLabel || region,
    host: e?.host ?? "",
    port: e?.host ? String(e.port) : "",
    mode: e?.mode === "cluster" ? "cluster" : "standalone",
    password: "",
    clearPassword: false,
    tls: Boolean(e?.tls),
    tlsInsecure: Boolean(e?.tlsInsecure),
    tlsServername: e?.tlsServername ?? "",
    tlsCa: "",
    tlsCert: "",
    tlsKey: "",
  };
}

/** Step 1. Checked here with the same zod schema as the server action, so mistakes show at once. */
export function InstancesForm({ taskId, name: initialName, regionLabel, endpoints }: { taskId: string; name: string; regionLabel: string; endpoints: Partial<Record<"source" | "destination", EndpointView>> }) {
  const router = useRouter();
  const [name, setName] = useState(initialName);
  const [source, setSource] = useState(() => draftOf(endpoints.source, regionLabel));
  const [destination, setDestination] = useState(() => draftOf(endpoints.destination, regionLabel));
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const reentrySource = passwordReentryMessage("source", endpoints.source, source);
  const reentryDestination = passwordReentryMessage("destination", endpoints.destination, destination);
  const save = useActionMutation(saveInstancesAction, { onSuccess: (data) => router.push(data.next) });

  function submit(event: FormEvent) {
    event.preventDefault();
    const input = { id: taskId, name, source, destination };
    const parsed = ZConfigureInstancesSchema.safeParse(input);
    const reentry = { "source.password": reentrySource, "destination.password": reentryDestination };
    if (!parsed.success || reentrySource || reentryDestination) {
      const next: Record<string, string> = {};
      for (const issue of parsed.error?.issues ?? []) next[issue.path.join(".")] ??= issue.message;
      for (const [key, message] of Object.entries(reentry)) if (message) next[key] ??= message;
      setErrors(next);
      // Bring the first problem into view (a long form on a phone).
      requestAnimationFrame(() => document.querySelector<HTMLElement>("[aria-invalid=true]")?.focus());
      return;
    }
    setErrors({});
    save.mutate(input, {
      onError: (e) => {
        if (e.fieldErrors) setErrors(Object.fromEntries(Object.entries(e.fieldErrors).map(([k, v]) => [k, v[0]])));
      },
    });
  }

  const count = Object.values(errors).filter(Boolean).length;
  return (
    <form onSubmit={submit} noValidate className="space-y-5">
      <div className="rounded-lg border border-slate-200 bg-white p-4 sm:p-5">
        <TextField
          label="Synchronization Task Name"
          name="name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={errors.name}
          maxLength={128}
          hint="A name was generated; an informative one makes the task easy to find. It does not have to be unique."
        />
      </div>
      <div className="grid gap-5 lg:grid-cols-2">
        <EndpointFields role="source" value={source} onChange={(p) => setSource((s) => ({ ...s, ...p }))} errors={errors} hasPassword={Boolean(endpoints.source?.hasPassword)} storedUser={endpoints.source?.username ?? null} reentry={reentrySource} hasTlsMaterial={Boolean(endpoints.source?.hasTlsMaterial)} />
        <EndpointFields role="destination" value={destination} onChange={(p) => setDestination((s) => ({ ...s, ...p }))} errors={errors} hasPassword={Boolean(endpoints.destination?.hasPassword)} storedUser={endpoints.destination?.username ?? null} reentry={reentryDestination} hasTlsMaterial={Boolean(endpoints.destination?.hasTlsMaterial)} />
      </div>
      <WizardNav
        back={
          <Link href="/" className={buttonClass("secondary")}>
            Cancel
          </Link>
        }
        note={
          (count > 0 || (save.error && !save.error.fieldErrors)) && (
            <p role="alert" className="text-red-700">
              {count > 0 ? `${count === 1 ? "One field needs" : `${count} fields need`} attention: see the messages under the fields.` : save.error?.message}
            </p>
          )
        }
      >
        <Button type="submit" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Set Whitelist and Next"}
        </Button>
      </WizardNav>
    </form>
  );
}
