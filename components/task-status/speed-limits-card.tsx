"use client";

import { useEffect, useState } from "react";
import { setSpeedLimitsAction } from "@/server/actions/set-speed-limits.action";
import { Button } from "@/components/ui/button";
import { useActionMutation } from "@/components/ui/use-action-mutation";
import { SpeedLimitFields, draftOf, readDraft } from "@/components/wizard/speed-limit-fields";
import { describeSpeedLimits } from "@/contracts/speed-limits";
import type { TSpeedLimits } from "@/contracts/task.types";
import { taskStatusKey } from "./use-task-status";

/**
 * The task's speed limits, changeable at any time: a running engine picks a change up within a
 * second and says so in the events. While a limit holds the engine back, the card says which.
 */
export function SpeedLimitsCard({ taskId, limits, throttled, running }: { taskId: string; limits: TSpeedLimits; throttled: string | null; running: boolean }) {
  const stored = describeSpeedLimits(limits);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(() => draftOf(limits));
  const [errors, setErrors] = useState<ReturnType<typeof readDraft>["errors"]>({});
  const save = useActionMutation(setSpeedLimitsAction, { invalidate: taskStatusKey(taskId), onSuccess: () => setEditing(false) });
  // the card shows what is stored; a change made elsewhere shows once the form is closed
  useEffect(() => {
    if (!editing) setDraft(draftOf(limits));
  }, [editing, stored]); // eslint-disable-line react-hooks/exhaustive-deps

  function submit() {
    const read = readDraft(draft);
    setErrors(read.errors);
    if (Object.keys(read.errors).length === 0) save.mutate({ id: taskId, limits: read.limits });
  }

  return (
    <section aria-labelledby="speed-limits-title" data-testid="speed-limits" className="max-w-3xl space-y-2 rounded-md border border-slate-200 bg-white px-3 py-2.5 text-sm">
      <div className="flex flex-wrap items-center gap-3">
        <h2 id="speed-limits-title" className="font-medium text-slate-800">
          Speed limits
        </h2>
        <span data-testid="speed-limits-current" className="text-slate-700">
          {stored}
        </span>
        {!editing && (
          <Button variant="secondary" onClick={() => setEditing(true)}>
            Change
          </Button>
        )}
      </div>
      {running && throttled && (
        <p role="status" data-testid="throttled" className="text-amber-900">
          {throttled.charAt(0).toUpperCase() + throttled.slice(1)}: the engine goes slower than it could (the source is still read in full into the spool).
        </p>
      )}
      {editing && (
        <div className="space-y-3 pt-1">
          <SpeedLimitFields idPrefix="status" value={draft} onChange={setDraft} errors={errors} />
          <div className="flex flex-wrap items-center gap-3">
            <Button disabled={save.isPending} onClick={submit}>
              {save.isPending ? "Saving…" : "Save limits"}
            </Button>
            <Button variant="secondary" disabled={save.isPending} onClick={() => setEditing(false)}>
              Cancel
            </Button>
            {save.error && (
              <span role="alert" className="text-red-700">
                {save.error.message}
              </span>
            )}
            {running && <span className="text-xs text-slate-600">The running task applies new limits within a second.</span>}
          </div>
        </div>
      )}
    </section>
  );
}
