"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { saveInitialSyncAction } from "@/server/actions/save-initial-sync.action";
import { Button } from "@/components/ui/button";
import { useActionMutation } from "@/components/ui/use-action-mutation";
import type { TDivergencePolicy, TInitialSync, TSpeedLimits } from "@/contracts/task.types";
import { SpeedLimitFields, draftOf, readDraft } from "./speed-limit-fields";
import { DIVERGENCE_POLICY_LEGEND, DIVERGENCE_POLICY_OPTIONS } from "@/contracts/divergence-policy";
import { RadioGroup } from "./radio-group";
import { WizardNav } from "./wizard-frame";

/** Step 4: what the task copies first, and what a refused or inexact write does. Next runs the precheck. */
export function InitialSyncForm({ taskId, initial, sourceCluster, initialPolicy, initialLimits }: { taskId: string; initial: TInitialSync; sourceCluster: boolean; initialPolicy: TDivergencePolicy; initialLimits: TSpeedLimits }) {
  const router = useRouter();
  const [value, setValue] = useState<TInitialSync>(initial);
  const [policy, setPolicy] = useState<TDivergencePolicy>(initialPolicy);
  const save = useActionMutation(saveInitialSyncAction, { onSuccess: (data) => router.push(data.next) });
  const [limits, setLimits] = useState(() => draftOf(initialLimits));
  const [limitErrors, setLimitErrors] = useState<ReturnType<typeof readDraft>["errors"]>({});
  function submit(direction: "next" | "back") {
    const read = readDraft(limits);
    setLimitErrors(read.errors);
    if (Object.keys(read.errors).length > 0) return;
    save.mutate({ id: taskId, initialSync: value, onInexact: policy, limits: read.limits, direction });
  }
  return (
    <div className="space-y-5">
      <section className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 sm:p-5">
        <RadioGroup
          legend="Initial Synchronization"
          name="initialSync"
          value={value}
          onChange={setValue}
          columns={1}
          options={[
            {
              value: "full_and_incremental",
              label: "Include full data + incremental data",
              description: "The engine first copies the data the source holds (full synchronization), then applies every write made on the source (incremental synchronization). Recommended.",
            },
            {
              value: "incremental_only",
              label: "Incremental data only",
              description: "Only writes made after the task starts are applied. For operators who already copied the data by other means.",
            },
          ]}
        />
        {value === "incremental_only" && (
          <div role="note" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
            <p className="font-semibold">The risk of incremental data only</p>
            <p className="mt-0.5">
              Keys that exist on the source now are not copied. If the destination does not already hold exactly the same data, they stay missing, and later writes that modify them (APPEND, INCR, HSET of
              one field, LPUSH…) produce different values on the destination. Choose it only when the destination holds a copy taken at the moment the task starts, and run a Data Verification afterwards.
            </p>
          </div>
        )}
        <div role="note" aria-label="Pub/sub messages" className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-700">
          <p className="font-semibold">Pub/sub messages (PUBLISH) are at-most-once</p>
          {sourceCluster ? (
            <p className="mt-0.5">
              A source cluster sends PUBLISH over its cluster bus, not the replication stream: the task forwards each message by subscribing on one source node. A message published while that
              subscription or the destination link is down is lost, and shard channels (SPUBLISH) are not forwarded. The status page counts forwarded and dropped messages. Carry messages that
              must arrive in a Stream, which is synchronized exactly.
            </p>
          ) : (
            <p className="mt-0.5">
              PUBLISH on the source travels in its replication stream and is applied on the destination in order with the data. Pub/sub itself keeps nothing: a subscriber that is not
              connected to the destination when a message arrives does not get it. Carry messages that must arrive in a Stream.
            </p>
          )}
        </div>
        <p className="text-xs text-slate-600">
          Full synchronization loads the source (it forks to write its snapshot) and the destination. Prefer off-peak hours for large data sets, and raise the source&apos;s repl-backlog-size so a
          restart can continue without copying everything again.
        </p>
      </section>
      <section className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 sm:p-5">
        <RadioGroup
          legend={DIVERGENCE_POLICY_LEGEND}
          name="onInexact"
          value={policy}
          onChange={setPolicy}
          columns={1}
          options={DIVERGENCE_POLICY_OPTIONS}
          hint="A write is refused when the destination answers it with an error (WRONGTYPE, OOM, NOPERM, an unknown module command…); a command cannot be applied exactly when the destination cannot reproduce its effect. Either way it is counted and named on the status page, never only logged."
        />
      </section>
      <section aria-labelledby="limits-title" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 sm:p-5">
        <div>
          <h3 id="limits-title" className="text-sm font-medium text-slate-800">
            Speed limits (optional)
          </h3>
          <p className="mt-0.5 text-xs text-slate-600">
            Protect a busy source or a small destination. Leave a field empty for no limit. Limits can be changed while the task runs, from its status page.
          </p>
        </div>
        <SpeedLimitFields idPrefix="wizard" value={limits} onChange={setLimits} errors={limitErrors} />
      </section>
      <WizardNav
        back={
          <Button variant="secondary" disabled={save.isPending} onClick={() => submit("back")}>
            Back
          </Button>
        }
        note={
          (save.error || Object.keys(limitErrors).length > 0) && (
            <p role="alert" className="text-red-700">
              {save.error?.message ?? "Correct the speed limits: each is a number above 0, or empty for no limit."}
            </p>
          )
        }
      >
        <Button disabled={save.isPending} onClick={() => submit("next")}>
          {save.isPending ? "Saving…" : "Precheck"}
        </Button>
      </WizardNav>
    </div>
  );
}
