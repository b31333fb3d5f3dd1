import type { TaskStatusView } from "@/contracts/task-status-view.types";
import { DIVERGENCE_POLICY_SHORT } from "@/contracts/divergence-policy";
import { formatCount, formatEventTime } from "./format";

function Figure({ label, value, hint, testId }: { label: string; value: number; hint: string; testId: string }) {
  return (
    <div className="min-w-0" data-testid={testId}>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className={`text-lg font-semibold tabular-nums ${value > 0 ? "text-red-700" : "text-slate-900"}`}>{formatCount(value)}</dd>
      <dd className="text-xs text-slate-500">{hint}</dd>
    </div>
  );
}

/**
 * "Writes refused / applied inexactly": nothing diverges silently, so the figures show even at
 * zero, with the policy and the newest recorded keys (what Data Verification checks first).
 */
export function DivergenceCard({ status }: { status: TaskStatusView }) {
  const d = status.divergence;
  const recorded = d.recorded.refused + d.recorded.inexact;
  const hint = d.from === "engine" ? "since the engine started" : "recorded keys";
  return (
    <section aria-labelledby="divergence-title" className="rounded-lg border border-slate-200 bg-white">
      <div className="px-4 py-4 sm:px-5">
        <h2 id="divergence-title" className="text-sm font-semibold text-slate-900">
          Writes refused / applied inexactly
        </h2>
        <dl className="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-4">
          <Figure label="Refused by the destination" value={d.refused} hint={hint} testId="divergence-refused" />
          <Figure label="Applied inexactly" value={d.inexact} hint={hint} testId="divergence-inexact" />
          <Figure label="Recorded keys" value={recorded} hint="checked first by Data Verification" testId="divergence-recorded" />
          <div className="min-w-0">
            <dt className="text-xs text-slate-500">When it happens</dt>
            <dd className="text-sm font-medium text-slate-900">{DIVERGENCE_POLICY_SHORT[d.policy]}</dd>
          </div>
        </dl>
        {d.refused + d.inexact + recorded === 0 && (
          <p className="mt-2 text-sm text-slate-600">
            None so far. Every write the destination refuses and every command the engine cannot apply exactly is counted here and named in the events; the task&apos;s policy then pauses it or skips
            the write and records its keys.
          </p>
        )}
      </div>
      {d.keys.length > 0 && (
        <div className="overflow-x-auto">
          <table className="w-full min-w-[48rem] text-left text-sm" aria-label="Last divergent keys">
            <thead className="border-y border-slate-200 bg-slate-50 text-xs text-slate-600">
              <tr>
                <th className="px-4 py-2 font-medium sm:px-5">Time</th>
                <th className="px-3 py-2 font-medium">Kind</th>
                <th className="px-3 py-2 font-medium">Command</th>
                <th className="px-3 py-2 font-medium">Key</th>
                <th className="px-3 py-2 font-medium">Database</th>
                <th className="px-3 py-2 font-medium">Reason</th>
                <th className="px-3 py-2 font-medium">Shard</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {d.keys.map((k) => (
                <tr key={k.id}>
                  <td className="px-4 py-2 whitespace-nowrap text-slate-600 tabular-nums sm:px-5" suppressHydrationWarning>
                    {formatEventTime(k.time)}
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">{k.kind === "refused" ? "Refused" : "Inexact"}</td>
                  <td className="px-3 py-2 font-mono text-xs whitespace-nowrap">{k.command}</td>
                  <td className="max-w-56 px-3 py-2 font-mono text-xs break-all">{k.key ?? <span className="font-sans text-slate-500">(no key)</span>}</td>
                  <td className="px-3 py-2 whitespace-nowrap">{k.db === null ? "—" : `db${k.db}`}</td>
                  <td className="max-w-80 px-3 py-2 text-xs break-words text-slate-700">{k.reason}</td>
                  <td className="px-3 py-2 font-mono text-xs whitespace-nowrap text-slate-600">{k.shard}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {recorded > d.keys.length && (
            <p className="px-4 py-2 text-xs text-slate-500 sm:px-5">
              The newest {d.keys.length} of {formatCount(recorded)} recorded keys; the Events tab names each divergence.
            </p>
          )}
        </div>
      )}
    </section>
  );
}
