import type { TaskStatusView } from "@/contracts/task-status-view.types";
import { ScrollX } from "@/components/ui/scroll-x";
import { formatBytes, formatCount, formatDuration, formatEventTime } from "./format";

const PHASES: Record<string, string> = { connecting: "Connecting", full: "Full data", incremental: "Incremental", retrying: "Retrying", stopped: "Stopped", failed: "Failed" };

/** One row per source master: where its replication stream stands. Live when the engine runs, else the stored positions. */
export function ShardTable({ status }: { status: TaskStatusView }) {
  // one snapshot with the rest of the overview (task-figures.ts): the engine's, or the stored positions
  const live = status.figures.from === "engine";
  // workers mode: each shard runs on a `redis-dts worker`, named here with since when it runs it
  const workers = status.engine.mode === "workers" && live;
  const rows = status.figures.shards.map((s) => ({
    node: s.source,
    replid: s.replid,
    offset: s.offset,
    applied: s.appliedOffset,
    phase: s.phase,
    diverged: s.refused === null || s.inexact === null ? null : { refused: s.refused, inexact: s.inexact },
    worker: s.worker ?? null,
    since: s.since ?? null,
  }));
  const now = Date.parse(status.serverTime);
  // the scan reader's "offsets" count keyspace notifications (keys changed / read again), not stream bytes
  const scan = status.sourceReader.inUse === "scan";
  return (
    <section aria-labelledby="shards-title" className="rounded-lg border border-slate-200 bg-white">
      <div className="flex flex-wrap items-baseline justify-between gap-2 px-4 pt-4 sm:px-5">
        <h2 id="shards-title" className="text-sm font-semibold text-slate-900">
          Shards
        </h2>
        <span className="text-xs text-slate-500">{live ? "live" : rows.length ? "stored positions (the engine is not running)" : ""}</span>
      </div>
      {rows.length === 0 ? (
        <p className="px-4 pt-2 pb-4 text-sm text-slate-500 sm:px-5">No replication stream yet.</p>
      ) : (
        <ScrollX label="Shard positions" className="mt-2">
          <table className="w-full min-w-[36rem] text-left text-sm">
            <thead className="border-y border-slate-200 bg-slate-50 text-xs text-slate-600">
              <tr>
                <th className="px-4 py-2 font-medium sm:px-5">Source node</th>
                <th className="px-3 py-2 font-medium">Replication ID</th>
                <th className="px-3 py-2 text-right font-medium">{scan ? "Keys notified" : "Offset"}</th>
                <th className="px-3 py-2 text-right font-medium">{scan ? "Read again" : "Applied offset"}</th>
                <th className="px-3 py-2 text-right font-medium">Lag</th>
                <th className="px-3 py-2 font-medium">Phase</th>
                {workers && <th className="px-3 py-2 font-medium">Worker</th>}
                {live && (
                  <th className="px-3 py-2 text-right font-medium" title="writes the destination refused / commands applied inexactly, since the engine started">
                    Refused / inexact
                  </th>
                )}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((r) => {
                const lag = r.offset !== null && r.applied !== null ? Math.max(0, r.offset - r.applied) : null;
                return (
                  <tr key={r.node}>
                    <td className="px-4 py-2 font-mono text-xs whitespace-nowrap sm:px-5">{r.node}</td>
                    <td className="px-3 py-2 font-mono text-xs text-slate-600" title={r.replid ?? undefined}>
                      {r.replid ? `${r.replid.slice(0, 12)}…` : "—"}
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums">{formatCount(r.offset)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{formatCount(r.applied)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{lag === null ? "—" : scan ? `${formatCount(lag)} keys` : formatBytes(lag)}</td>
                    <td className="px-3 py-2 whitespace-nowrap">{PHASES[r.phase] ?? r.phase}</td>
                    {workers && (
                      <td className="px-3 py-2 text-xs whitespace-nowrap">
                        {r.worker ? (
                          <>
                            <span className="font-mono">{r.worker}</span>{" "}
                            <span className="text-slate-500" suppressHydrationWarning title={r.since ?? undefined}>
                              since {r.since ? `${formatEventTime(r.since)} (${formatDuration(now - Date.parse(r.since))})` : "—"}
                            </span>
                          </>
                        ) : (
                          <span className="text-amber-700">waiting for a worker</span>
                        )}
                      </td>
                    )}
                    {r.diverged && (
                      <td className={`px-3 py-2 text-right tabular-nums ${r.diverged.refused + r.diverged.inexact > 0 ? "text-red-700" : ""}`}>
                        {formatCount(r.diverged.refused)} / {formatCount(r.diverged.inexact)}
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </ScrollX>
      )}
    </section>
  );
}
