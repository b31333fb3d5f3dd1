"use client";

import { useState } from "react";
import type { PrecheckItemView, PrecheckView } from "@/contracts/precheck-view.types";
import { formatDateTime } from "@/components/tasks/format";

const STATUS: Record<PrecheckItemView["status"], { label: string; style: string; dot: string }> = {
  pending: { label: "Checking…", style: "text-sky-800", dot: "bg-sky-400 animate-pulse" },
  passed: { label: "Passed", style: "text-emerald-800", dot: "bg-emerald-500" },
  warning: { label: "Warning", style: "text-amber-800", dot: "bg-amber-500" },
  failed: { label: "Failed", style: "text-red-800", dot: "bg-red-500" },
};

/** The precheck's items with their result; failed and warning items open to show the cause and the fix. */
export function PrecheckResults({ view }: { view: PrecheckView }) {
  const run = view.run;
  if (!run) {
    return <p className="rounded-md border border-slate-200 bg-white px-3 py-2 text-sm text-slate-600">{view.running ? "Starting the precheck…" : "The precheck has not run yet."}</p>;
  }
  const done = run.items.filter((i) => i.status !== "pending").length;
  const failed = run.items.filter((i) => i.status === "failed").length;
  const warnings = run.items.filter((i) => i.status === "warning").length;
  const pct = run.items.length ? Math.round((done / run.items.length) * 100) : 0;
  return (
    <section aria-label="Precheck result" className="space-y-3">
      <div aria-live="polite">
        {run.status === "running" && (
          <div className="rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900">
            <p>
              Prechecking… {done} of {run.items.length} items checked.
            </p>
            <div className="mt-1.5 h-1.5 overflow-hidden rounded-full bg-sky-100" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label="Precheck progress">
              <div className="h-full animate-pulse bg-sky-500" style={{ width: `${Math.max(pct, 8)}%` }} />
            </div>
          </div>
        )}
        {run.status === "passed" && (
          <p className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm font-medium text-emerald-900">
            The precheck is passed.{warnings > 0 && <span className="font-normal"> {warnings === 1 ? "One item has a warning" : `${warnings} items have warnings`}: read them before you start.</span>}
          </p>
        )}
        {run.status === "failed" && (
          <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            The precheck failed: {failed === 1 ? "one item" : `${failed} items`} failed. Click Details next to each failed item, fix the cause, then click Precheck Again.
          </p>
        )}
        {run.status === "interrupted" && (
          <p role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
            This precheck was interrupted (the console restarted while it ran). Click Precheck Again.
          </p>
        )}
        {view.failure && (
          <p role="alert" className="mt-2 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            {view.failure}
          </p>
        )}
      </div>
      <p className="text-xs text-slate-500" suppressHydrationWarning>
        Run started {formatDateTime(run.startedAt)}
        {run.finishedAt && `, finished ${formatDateTime(run.finishedAt)}`}
      </p>
      <ul className="divide-y divide-slate-200 overflow-hidden rounded-lg border border-slate-200 bg-white">
        {run.items.map((item) => (
          <PrecheckRow key={item.itemId} item={item} />
        ))}
      </ul>
    </section>
  );
}

function PrecheckRow({ item }: { item: PrecheckItemView }) {
  const [open, setOpen] = useState(false);
  const s = STATUS[item.status];
  const explain = item.status === "failed" || item.status === "warning";
  const panel = `precheck-${item.itemId}`;
  return (
    <li data-item={item.itemId} data-status={item.status} aria-label={item.name} className="px-3 py-2.5 sm:px-4">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <span aria-hidden className={`size-2 shrink-0 rounded-full ${s.dot}`} />
        <span className="min-w-0 flex-1 text-sm font-medium text-slate-900">{item.name}</span>
        <span className={`text-sm font-medium ${s.style}`}>{s.label}</span>
        {explain && (
          <button type="button" aria-expanded={open} aria-controls={panel} onClick={() => setOpen((o) => !o)} className="text-sm text-blue-700 hover:underline">
            {open ? "Hide details" : "Details"}
          </button>
        )}
      </div>
      {!explain && item.message && <p className="mt-0.5 pl-5 text-xs break-words text-slate-600">{item.message}</p>}
      {explain && open && (
        <dl id={panel} className="mt-2 ml-5 space-y-1.5 rounded-md bg-slate-50 px-3 py-2 text-sm">
          <div>
            <dt className="text-xs font-semibold text-slate-600 uppercase">Cause</dt>
            <dd className="break-words text-slate-900">{item.message}</dd>
          </div>
          {item.fix && (
            <div>
              <dt className="text-xs font-semibold text-slate-600 uppercase">How to fix</dt>
              <dd className="break-words text-slate-900">{item.fix}</dd>
            </div>
          )}
        </dl>
      )}
    </li>
  );
}
