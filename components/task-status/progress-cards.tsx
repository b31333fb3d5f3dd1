import type { TaskStatusView } from "@/contracts/task-status-view.types";
import { formatLatency } from "@/components/tasks/format";
import { formatBytes, formatCount, formatDuration, formatRate } from "./format";

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="text-lg font-semibold text-slate-900 tabular-nums">{value}</dd>
      {hint && <dd className="text-xs text-slate-500">{hint}</dd>}
    </div>
  );
}

/** "Initial Synchronization": keys and bytes copied of the total, a bar, elapsed and remaining time. */
export function FullSyncCard({ status }: { status: TaskStatusView }) {
  const f = status.figures;
  const skipped = status.initialSync === "incremental_only";
  const { keys, bytes, totalBytes, done, active } = f.fullSync;
  const elapsed = active && status.startedAt ? Date.parse(status.serverTime) - Date.parse(status.startedAt) : null;
  const fraction = done ? 1 : totalBytes ? bytes / totalBytes : status.sourceKeys ? Math.min(1, keys / status.sourceKeys) : null;
  let eta: number | null = null;
  if (active && elapsed && elapsed > 2000 && fraction !== null && fraction > 0.01 && fraction < 1) eta = (elapsed * (1 - fraction)) / fraction;
  const pct = fraction === null ? null : Math.round(fraction * 100);

  return (
    <section aria-labelledby="full-sync-title" className="rounded-lg border border-slate-200 bg-white p-4 sm:p-5">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="full-sync-title" className="text-sm font-semibold text-slate-900">
          Initial Synchronization
        </h2>
        <span className="text-sm text-slate-600">
          {skipped
            ? "Incremental data only: no full data copy"
            : done
              ? "Full data synchronization complete"
              : active
                ? "Full data synchronization in progress"
                : status.engine.running
                  ? "Starting: waiting for the engine's first report"
                  : "Not running"}
        </span>
      </div>
      {!skipped && (
        <>
          <div
            className="mt-3 h-2.5 overflow-hidden rounded-full bg-slate-100"
            role="progressbar"
            aria-label="Full data synchronization"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={pct ?? undefined}
            aria-valuetext={pct === null ? "size unknown" : `${pct}%`}
          >
            {/* size unknown while copying: a pulsing third; otherwise the share done (nothing when it has not begun) */}
            <div
              className={`h-full rounded-full ${done ? "bg-emerald-500" : "bg-blue-600"} ${pct === null && active ? "w-1/3 animate-pulse" : ""}`}
              style={pct === null && active ? undefined : { width: `${pct ?? 0}%` }}
            />
          </div>
          <dl className="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-4">
            <Stat label="Keys" value={formatCount(keys)} hint={status.sourceKeys && !done ? `of ~${formatCount(status.sourceKeys)} on the source` : undefined} />
            <Stat label="Data" value={formatBytes(bytes)} hint={totalBytes ? `of ${formatBytes(totalBytes)} (RDB)` : active ? "total unknown (diskless transfer)" : undefined} />
            {!done && (
              <>
                <Stat label="Elapsed" value={formatDuration(elapsed)} />
                <Stat label="Estimated time left" value={formatDuration(eta)} hint={pct !== null ? `${pct}% done` : undefined} />
              </>
            )}
          </dl>
        </>
      )}
    </section>
  );
}

/** "Incremental Synchronization": latency from the heartbeat, throughput, and how far behind the writes are. */
export function IncrementalCard({ status }: { status: TaskStatusView }) {
  const f = status.figures;
  const live = f.from === "engine" ? status.engine.live : null;
  const running = f.from === "engine";
  const latency = f.latencyMs;
  const ops = f.opsPerSec;
  const lag = f.lagBytes;
  // the scan reader counts notified keys, not stream bytes; its latency is how long a changed key waits
  const scan = status.sourceReader.inUse === "scan";
  return (
    <section aria-labelledby="incremental-title" className="rounded-lg border border-slate-200 bg-white p-4 sm:p-5">
      <h2 id="incremental-title" className="text-sm font-semibold text-slate-900">
        Incremental Synchronization
      </h2>
      <dl className="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-3">
        <div className="min-w-0" data-testid="latency">
          <dt className="text-xs text-slate-500">Latency</dt>
          <dd className="text-lg font-semibold text-slate-900 tabular-nums">{formatLatency(latency)}</dd>
          <dd className="text-xs text-slate-500">{scan ? "oldest changed key waiting to be read" : "from the heartbeat key"}</dd>
        </div>
        <Stat label="Throughput" value={ops === null ? "—" : `${formatRate(ops)} ops/s`} />
        <Stat label="Not yet applied" value={lag === null ? "—" : scan ? `${formatCount(lag)} keys` : formatBytes(lag)} hint={scan ? "keyspace notifications" : "replication stream"} />
        {running && live?.pubsub && (
          <div className="min-w-0" data-testid="pubsub">
            <dt className="text-xs text-slate-500">Pub/sub messages forwarded</dt>
            <dd className="text-lg font-semibold text-slate-900 tabular-nums">{formatCount(live.pubsub.forwarded)}</dd>
            <dd className={`text-xs ${live.pubsub.link === "down" || live.pubsub.dropped > 0 ? "text-amber-800" : "text-slate-500"}`}>
              {live.pubsub.link === "down" ? "link down: messages are lost" : live.pubsub.link === "connecting" ? "subscribing on the source" : "from the source cluster, at-most-once"}
              {live.pubsub.dropped > 0 && ` · ${formatCount(live.pubsub.dropped)} dropped`}
            </dd>
          </div>
        )}
      </dl>
    </section>
  );
}
