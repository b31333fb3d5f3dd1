import type { VerificationRunView } from "@/contracts/verification-view.types";
import { formatDateTime } from "@/components/tasks/format";
import { formatCount, formatDuration } from "@/components/task-status/format";
import { ScrollX } from "@/components/ui/scroll-x";

const STATUS = {
  running: ["Running", "bg-sky-50 text-sky-800 ring-sky-300"],
  equal: ["Consistent", "bg-emerald-50 text-emerald-800 ring-emerald-300"],
  different: ["Differences found", "bg-red-50 text-red-800 ring-red-300"],
  failed: ["Failed", "bg-amber-50 text-amber-900 ring-amber-300"],
} as const;

const PHASE = { recorded: "Checking the recorded divergent keys", source: "Comparing the source's keys", target: "Looking for keys only the destination has", recheck: "Re-checking differences", done: "Finishing" } as const;

const KIND: Record<string, string> = { missing: "missing on the destination", extra: "only on the destination", type: "different type", value: "different value", ttl: "different TTL", length: "different length" };

export function VerificationStatus({ status }: { status: VerificationRunView["status"] }) {
  const [label, style] = STATUS[status];
  return <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${style}`}>{label}</span>;
}

/** One verification: progress while it runs, then the counts and the differing keys with downloads. */
export function VerificationRunDetails({ taskId, run }: { taskId: string; run: VerificationRunView }) {
  const p = run.progress;
  const seen = p ? p.keys + p.targetKeys : 0;
  const pct = p && p.estimatedTotal > 0 ? Math.min(100, Math.round((seen / p.estimatedTotal) * 100)) : null;
  const base = `/api/tasks/${encodeURIComponent(taskId)}/verifications/${encodeURIComponent(run.id)}/download`;
  return (
    <div className="space-y-3 text-sm">
      <p className="text-xs text-slate-500" suppressHydrationWarning>
        {run.mode === "quick" ? "Quick" : "Full"} mode · {run.rounds} check{run.rounds === 1 ? "" : "s"} per difference · started {formatDateTime(run.startedAt)}
        {run.finishedAt && ` · finished ${formatDateTime(run.finishedAt)}`}
      </p>
      {run.status === "running" && (
        <div>
          <p className="text-slate-700">
            {p ? PHASE[p.phase] : "Starting"}…{" "}
            {p?.phase === "recorded" ? (
              `${formatCount(p.recordedChecked ?? 0)} checked`
            ) : (
              <>
                {formatCount(seen)}
                {p && p.estimatedTotal > 0 ? ` of ~${formatCount(p.estimatedTotal)}` : ""} keys seen
              </>
            )}
            {p && ` · ${formatDuration(p.elapsedMs)}`}
          </p>
          <div className="mt-1.5 h-2 overflow-hidden rounded-full bg-slate-100" role="progressbar" aria-label="Verification progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct ?? undefined}>
            <div className={`h-full rounded-full bg-sky-500 ${pct === null ? "w-1/4 animate-pulse" : ""}`} style={pct === null ? undefined : { width: `${pct}%` }} />
          </div>
          {p && (
            <p className="mt-1 text-xs text-slate-600">
              So far: {formatCount(p.missing)} missing · {formatCount(p.extra)} extra · {formatCount(p.different)} different · {formatCount(p.pendingRechecks)} waiting for a re-check
            </p>
          )}
        </div>
      )}
      {run.error && (
        <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-amber-900">
          {run.error}
        </p>
      )}
      {run.result && (
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-5">
          {(
            [
              ["Keys compared", run.result.keys],
              ["Missing", run.result.missing],
              ["Extra", run.result.extra],
              ["Different", run.result.different],
            ] as const
          ).map(([label, n]) => (
            <div key={label}>
              <dt className="text-xs text-slate-500">{label}</dt>
              <dd className="text-lg font-semibold text-slate-900 tabular-nums">{formatCount(n)}</dd>
            </div>
          ))}
          <div>
            <dt className="text-xs text-slate-500">Duration</dt>
            <dd className="text-lg font-semibold text-slate-900 tabular-nums">{formatDuration(run.result.durationMs)}</dd>
          </div>
        </dl>
      )}
      {run.recorded && <RecordedDivergences recorded={run.recorded} />}
      {run.status === "equal" && <p className="text-emerald-800">Source and destination hold the same data in the compared databases.</p>}
      {run.differenceCount > 0 && (
        <div className="space-y-2">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <p className="font-medium text-slate-800">
              Differing keys{run.differenceCount > run.differences.length ? ` (first ${run.differences.length} of ${formatCount(run.differenceCount)} kept)` : ""}
              {run.result?.samplesTruncated ? "; more differ than were kept" : ""}
            </p>
            <span className="flex gap-3">
              <a href={`${base}?format=csv`} className="text-blue-700 hover:underline" download>
                Download CSV
              </a>
              <a href={`${base}?format=json`} className="text-blue-700 hover:underline" download>
                Download JSON
              </a>
            </span>
          </div>
          <ScrollX label="Differing keys" className="rounded-md border border-slate-200">
            <table className="w-full min-w-[32rem] text-left text-sm">
              <thead className="bg-slate-50 text-xs text-slate-600">
                <tr>
                  <th className="px-3 py-1.5 font-medium">Key</th>
                  <th className="px-3 py-1.5 font-medium">Database</th>
                  <th className="px-3 py-1.5 font-medium">Difference</th>
                  <th className="px-3 py-1.5 font-medium">Detail</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {run.differences.map((d) => (
                  <tr key={`${d.db}-${d.targetDb}-${d.keyBase64}-${d.kind}`}>
                    <td className="max-w-64 px-3 py-1.5 font-mono text-xs break-all">{d.key}</td>
                    <td className="px-3 py-1.5 whitespace-nowrap">{d.db === d.targetDb ? `db${d.db}` : `db${d.db} → db${d.targetDb}`}</td>
                    <td className="px-3 py-1.5 whitespace-nowrap">{KIND[d.kind] ?? d.kind}</td>
                    <td className="px-3 py-1.5 text-xs break-words text-slate-600">{d.detail}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollX>
        </div>
      )}
    </div>
  );
}

/** The task's recorded divergent keys (refused or inexact writes), checked before the scan. */
function RecordedDivergences({ recorded: r }: { recorded: NonNullable<VerificationRunView["recorded"]> }) {
  return (
    <div aria-label="Recorded divergences" role="group" className={`space-y-2 rounded-md border px-3 py-2 ${r.stillDifferent > 0 ? "border-red-200 bg-red-50/60" : "border-slate-200 bg-slate-50"}`}>
      <p className="text-slate-800" data-testid="recorded-divergences">
        <span className="font-medium">Recorded divergences:</span> {formatCount(r.checked)} checked, {formatCount(r.stillDifferent)} still different, {formatCount(r.nowEqual)} now equal
        {r.notCompared > 0 && ` (${formatCount(r.notCompared)} in databases this verification does not cover)`}
      </p>
      <p className="text-xs text-slate-600">
        {r.checked === 0
          ? "The synchronization has recorded no refused or inexact write for this task."
          : "The keys of writes the destination refused or the engine could not apply exactly, checked first; the scan below covers every key again."}
      </p>
      {r.samples.length > 0 && (
        <ul className="space-y-0.5 text-xs">
          {r.samples.map((d) => (
            <li key={`${d.db}-${d.keyBase64}-${d.kind}`} className="break-all">
              <span className="font-mono">{d.key}</span> <span className="text-slate-500">({d.db === d.targetDb ? `db${d.db}` : `db${d.db} → db${d.targetDb}`})</span>: {KIND[d.kind] ?? d.kind}, {d.detail}
            </li>
          ))}
          {r.stillDifferent > r.samples.length && <li className="text-slate-500">… {formatCount(r.stillDifferent - r.samples.length)} more</li>}
        </ul>
      )}
    </div>
  );
}
