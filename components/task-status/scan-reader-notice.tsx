"use client";

import type { TaskStatusView } from "@/contracts/task-status-view.types";

/**
 * A task read by the scan reader (the source refuses PSYNC) is honest about it: labelled "best effort:
 * verify before switching" for its whole life, with the way to the Data Verification that settles it.
 */
export function ScanReaderNotice({ status, onVerify }: { status: TaskStatusView; onVerify: () => void }) {
  const label = status.sourceReader.label;
  if (!label) return null;
  const over = status.state === "paused" || status.state === "finished" || status.state === "failed";
  return (
    <div role="note" data-testid="scan-reader-notice" className="max-w-3xl space-y-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950">
      <p>
        <span className="font-semibold">Scan reader: {label}.</span> The source refuses PSYNC{status.sourceReader.configured === "scan" ? " or the task is set to the scan reader" : ""}, so its keys are copied
        with SCAN + DUMP and every key its keyspace notifications name is read again. There is no replication log: a FLUSHALL, or a
        notification lost while the subscription was down, is found only by a Data Verification, and a restart copies every key again.
      </p>
      <button type="button" onClick={onVerify} className="rounded-md border border-amber-400 bg-white px-2.5 py-1 text-xs font-medium text-amber-950 hover:bg-amber-100">
        {over ? "Verify the data now" : "Run a Data Verification before switching"}
      </button>
    </div>
  );
}
