"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { checkWhitelistAction } from "@/server/actions/check-whitelist.action";
import type { SideCheck, WhitelistCheck } from "@/contracts/whitelist-check.types";
import { Button, buttonClass } from "@/components/ui/button";
import { useActionMutation } from "@/components/ui/use-action-mutation";
import { CopyCommand } from "./copy-command";
import { destinationAcl, sourceAcl, sourceVerifyAcl } from "./acl-commands";
import { WizardNav } from "./wizard-frame";

/** Step 2: where this engine connects from, what each account needs, and a probe of every node. */
export function WhitelistStep({ taskId }: { taskId: string }) {
  const router = useRouter();
  const [check, setCheck] = useState<WhitelistCheck | null>(null);
  const probe = useActionMutation(checkWhitelistAction, {
    onSuccess: (data) => {
      setCheck(data.check);
      if (data.next) router.push(data.next);
    },
  });
  const { mutate } = probe;
  useEffect(() => mutate({ id: taskId, advance: false }), [mutate, taskId]);

  const blocked = check !== null && check.blocking.length > 0;
  const total = check ? check.source.nodes.length + check.destination.nodes.length : 0;
  return (
    <div className="space-y-5">
      <p className="max-w-3xl text-sm text-slate-700">
        The engine connects to every node of both sides from this machine. Allow the addresses below in each side&apos;s firewall or security group and in the servers&apos; <code>bind</code> /
        protected-mode settings, and give each account the permissions shown. Next probes every node again.
      </p>

      <section aria-label="Probe result" aria-live="polite">
        {probe.isPending && (
          <p className="rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900">
            Probing every node of the source and the destination{check ? " again" : ""}…
          </p>
        )}
        {!probe.isPending && probe.error && (
          <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            {probe.error.message}
          </p>
        )}
        {!probe.isPending && check && !blocked && (
          <p className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
            All {total} nodes answered with the given credentials. Click Next.
          </p>
        )}
        {!probe.isPending && blocked && (
          <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            <p className="font-medium">Next is blocked: {check.blocking.length === 1 ? "one problem stops" : `${check.blocking.length} problems stop`} the synchronization.</p>
            <ul className="mt-1 list-disc space-y-0.5 pl-5 break-words">
              {check.blocking.map((b) => (
                <li key={b}>{b}</li>
              ))}
            </ul>
            <p className="mt-1">Fix the network path or the server, or go Back and correct the address, mode or password; then click Probe Again.</p>
          </div>
        )}
        {check && check.sharedDestination.length > 0 && (
          <p className="mt-2 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
            The destination already receives data from another running task ({check.sharedDestination.join(", ")}). Several tasks writing the same keys overwrite each other; make sure their keys do not overlap.
          </p>
        )}
      </section>

      {check && (
        <div className="grid gap-5 lg:grid-cols-2">
          <SidePanel title="Source" side={check.source} acl={[["Replication and heartbeat", sourceAcl(check.source.username ?? "dts", check.source.chosenMode === "cluster")], ["Data Verification (read-only, optional)", sourceVerifyAcl(check.source.username ?? "dts")]]} />
          <SidePanel title="Destination" side={check.destination} acl={[["Writes", destinationAcl(check.destination.username ?? "dts")]]} />
        </div>
      )}

      <WizardNav
        back={
          <Link href={`/tasks/${taskId}/configure/instances`} className={buttonClass("secondary")}>
            Back
          </Link>
        }
      >
        <Button variant="secondary" disabled={probe.isPending} onClick={() => probe.mutate({ id: taskId, advance: false })}>
          Probe Again
        </Button>
        <Button disabled={probe.isPending || !check || blocked} onClick={() => probe.mutate({ id: taskId, advance: true })}>
          Next
        </Button>
      </WizardNav>
    </div>
  );
}

function SidePanel({ title, side, acl }: { title: string; side: SideCheck; acl: [string, string][] }) {
  return (
    <section aria-label={`${title} nodes`} className="min-w-0 space-y-4 rounded-lg border border-slate-200 bg-white p-4 sm:p-5">
      <div>
        <h3 className="text-base font-semibold text-slate-900">{title}</h3>
        <p className="text-xs text-slate-600">
          {side.chosenMode === "cluster" ? "Cluster" : "Standalone"} · account {side.username ? `'${side.username}'` : "default user"} · {side.nodes.length} node{side.nodes.length === 1 ? "" : "s"}
        </p>
      </div>
      <div>
        <p className="text-sm font-medium text-slate-800">This engine connects from</p>
        <p className="mt-1 font-mono text-sm break-words text-slate-900">{side.localAddresses.length ? side.localAddresses.join(", ") : "— (no connection could be made)"}</p>
      </div>
      <ul className="divide-y divide-slate-100 rounded-md border border-slate-200 text-sm">
        {side.nodes.map((n) => (
          <li key={n.address} data-node={n.address} className="flex items-start gap-2 px-3 py-2">
            <span aria-hidden className={`mt-1.5 size-2 shrink-0 rounded-full ${n.ok ? "bg-emerald-500" : "bg-red-500"}`} />
            <div className="min-w-0 flex-1">
              <p className="flex flex-wrap items-baseline gap-x-2">
                <span className="font-mono break-all text-slate-900">{n.address}</span>
                <span className="text-xs text-slate-500">{n.role}</span>
                <span className={`text-xs font-medium ${n.ok ? "text-emerald-700" : "text-red-700"}`}>{n.ok ? "Reachable" : "Cannot be used"}</span>
              </p>
              <p className="text-xs break-words text-slate-600">{n.message}</p>
            </div>
          </li>
        ))}
      </ul>
      <div className="space-y-3">
        <p className="text-sm font-medium text-slate-800">Minimal permissions (Redis 6 and later)</p>
        {acl.map(([label, command]) => (
          <CopyCommand key={label} label={label} command={command} />
        ))}
        <p className="text-xs text-slate-500">Replace PASSWORD, run it on every node (or in each node&apos;s ACL file). Redis before 6.0 has no ACL: its one password allows every command.</p>
      </div>
    </section>
  );
}
