"use client";

import { useState } from "react";
import type { TaskStatusView } from "@/contracts/task-status-view.types";
import { formatLatency } from "@/components/tasks/format";
import { formatRate } from "./format";
import { MetricChart, type ChartPoint } from "./metric-chart";
import { FullSyncCard, IncrementalCard } from "./progress-cards";
import { ShardTable } from "./shard-table";
import { DivergenceCard } from "./divergence-card";
import { useMetrics } from "./use-task-status";
import { RecentEvents } from "./events-tab";

const WINDOWS = [
  ["15m", "15 min", 15],
  ["1h", "1 hour", 60],
  ["6h", "6 hours", 360],
  ["24h", "24 hours", 1440],
] as const;

export function OverviewTab({ status, onShowEvents }: { status: TaskStatusView; onShowEvents: () => void }) {
  const [window, setWindow] = useState<string>("15m");
  const figures = status.figures;
  const running = status.state === "initializing" || status.state === "synchronizing";
  const { data: series, error } = useMetrics(status.id, window, running);
  const to = Date.parse(status.serverTime);
  // A task younger than the window is drawn from its start, not squeezed into the right edge.
  const windowStart = to - (WINDOWS.find((w) => w[0] === window)?.[2] ?? 60) * 60_000;
  const started = status.startedAt ? Date.parse(status.startedAt) - 5000 : windowStart;
  const from = Math.max(windowStart, Math.min(started, to - 60_000));
  const latency: ChartPoint[] = series ? series.time.map((t, i) => ({ t, v: series.latencyMs[i] })) : [];
  const ops: ChartPoint[] = series ? series.time.map((t, i) => ({ t, v: series.opsPerSec[i] })) : [];
  // The live figure joins the stored samples (written every 5 s) so the charts end at "now".
  if (figures.from === "engine" && running) {
    latency.push({ t: to, v: figures.latencyMs });
    ops.push({ t: to, v: figures.opsPerSec ?? 0 });
  }
  return (
    <div className="space-y-4">
      <div className="grid gap-4 lg:grid-cols-2">
        <FullSyncCard status={status} />
        <IncrementalCard status={status} />
      </div>
      <DivergenceCard status={status} />
      <ShardTable status={status} />
      <RecentEvents taskId={status.id} onShowAll={onShowEvents} />
      <section aria-labelledby="charts-title" className="space-y-3">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id="charts-title" className="text-sm font-semibold text-slate-900">
            Performance
          </h2>
          <div role="group" aria-label="Chart window" className="flex overflow-hidden rounded-md border border-slate-300 text-xs">
            {WINDOWS.map(([key, label]) => (
              <button
                key={key}
                type="button"
                aria-pressed={window === key}
                onClick={() => setWindow(key)}
                className={`px-2.5 py-1 ${window === key ? "bg-blue-600 text-white" : "bg-white text-slate-700 hover:bg-slate-50"} border-l border-slate-300 first:border-l-0`}
              >
                {label}
              </button>
            ))}
          </div>
        </div>
        {error && <p className="text-sm text-amber-800">Charts paused: {error.message}</p>}
        <div className="grid gap-4 lg:grid-cols-2">
          <MetricChart title="Latency" points={latency} from={from} to={to} format={(v) => formatLatency(v)} color="#2563eb" />
          <MetricChart title="Throughput (ops/s)" points={ops} from={from} to={to} format={(v) => formatRate(v)} color="#059669" />
        </div>
      </section>
    </div>
  );
}
