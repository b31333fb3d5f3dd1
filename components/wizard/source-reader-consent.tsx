"use client";

import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { setSourceReaderAction } from "@/server/actions/set-source-reader.action";
import type { PrecheckView } from "@/contracts/precheck-view.types";
import { SCAN_READER_LABEL } from "@/contracts/task.types";
import { useActionMutation } from "@/components/ui/use-action-mutation";
import { precheckKey } from "./use-precheck";

/**
 * The operator's consent to the scan reader, offered where the precheck finds PSYNC refused (and
 * kept in view once given). Ticking it stores "auto" and runs the precheck again, which then checks
 * the source's keyspace notifications instead of failing on PSYNC.
 */
export function SourceReaderConsent({ taskId, view, disabled }: { taskId: string; view: PrecheckView; disabled: boolean }) {
  const queryClient = useQueryClient();
  // the operator's choice, shown from the click on (a controlled box would otherwise flip back until
  // the save and the refetched precheck view carry it); dropped when the save fails
  const [wanted, setWanted] = useState<boolean | null>(null);
  const save = useActionMutation(setSourceReaderAction, {
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: precheckKey(taskId) }),
  });
  const psync = view.run?.items.find((i) => i.itemId === "source_psync");
  const refused = psync?.status === "failed" && /refuse|renamed/i.test(psync.message);
  if (view.sourceReader === "psync" && !refused) return null;
  if (view.sourceReader === "scan") {
    return (
      <p role="note" className="max-w-3xl rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950">
        This task is set to the scan reader (redis-dts sync --source-reader scan): {SCAN_READER_LABEL}.
      </p>
    );
  }
  const checked = view.sourceReader === "auto";
  return (
    <section aria-label="Source reader" data-testid="source-reader-consent" className="max-w-3xl space-y-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-3 text-sm text-amber-950">
      <p>
        {refused
          ? "The source refuses PSYNC (managed services often disable replication commands), so the task cannot replicate it."
          : "The scan reader is allowed for this task: it is used if the source refuses PSYNC."}{" "}
        The scan reader copies every key with SCAN + DUMP and then reads again each key the source&apos;s keyspace notifications name. It is{" "}
        <span className="font-semibold">{SCAN_READER_LABEL}</span>: there is no replication log, so a FLUSHALL or a notification lost while the subscription is down is found only by a
        Data Verification, and a restart copies every key again.
      </p>
      <label className="flex items-start gap-2 font-medium">
        <input
          type="checkbox"
          className="mt-0.5 size-4"
          checked={wanted ?? checked}
          disabled={disabled || save.isPending}
          onChange={(e) => {
            setWanted(e.target.checked);
            save.mutate({ id: taskId, sourceReader: e.target.checked ? "auto" : "psync" }, { onError: () => setWanted(null) });
          }}
        />
        <span>Use the scan reader when the source refuses PSYNC ({SCAN_READER_LABEL})</span>
      </label>
      {save.error && (
        <p role="alert" className="text-red-700">
          {save.error.message}
        </p>
      )}
    </section>
  );
}
