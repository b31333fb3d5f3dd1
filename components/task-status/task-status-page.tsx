"use client";

import Link from "next/link";
import { useState } from "react";
import type { TaskStatusView } from "@/contracts/task-status-view.types";
import { StateBadge } from "@/components/tasks/state-badge";
import { TASK_STATE_MEANING } from "@/components/tasks/state-meaning";
import { formatDateTime } from "@/components/tasks/format";
import { VerificationTab } from "@/components/verification/verification-tab";
import { ConfigurationTab, type TaskConfigView } from "./configuration-tab";
import { EventsTab } from "./events-tab";
import { OverviewTab } from "./overview-tab";
import { PrecheckTab } from "./precheck-tab";
import { STATUS_TABS, type StatusTab } from "./tabs";
import { TaskActions } from "./task-actions";
import { TASK_STATE_NEXT } from "./next-steps";
import { useTaskStatus } from "./use-task-status";
import { DivergencePauseNotice } from "./divergence-pause-notice";
import { ScanReaderNotice } from "./scan-reader-notice";
import { SpeedLimitsCard } from "./speed-limits-card";


/** The task status page: state and what to do, the actions, and the tabs, all live. */
export function TaskStatusPage({ initial, config, initialTab, notice }: { initial: TaskStatusView; config: TaskConfigView; initialTab: StatusTab; notice: string | null }) {
  const { data, error } = useTaskStatus(initial.id, initial);
  const status = data ?? initial;
  const [tab, setTab] = useState<StatusTab>(initialTab);
  const select = (next: StatusTab) => {
    setTab(next);
    const url = new URL(window.location.href);
    url.searchParams.set("tab", next);
    url.searchParams.delete("notice");
    window.history.replaceState(null, "", url);
  };
  const configured = Boolean(config.source?.host && config.destination?.host);

  return (
    <div className="space-y-5">
      <Link href="/" className="text-sm text-blue-700 hover:underline">
        ← Synchronization Tasks
      </Link>
      <div className="space-y-2">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold break-words text-slate-900">{status.name}</h1>
          <StateBadge state={status.state} />
        </div>
        <p className="text-xs text-slate-500" suppressHydrationWarning>
          Created {formatDateTime(status.createdAt)}
          {status.startedAt && ` · started ${formatDateTime(status.startedAt)}`}
          {status.finishedAt && ` · finished ${formatDateTime(status.finishedAt)}`} · region {status.regionLabel}
        </p>
      </div>
      <div className="max-w-3xl space-y-1 text-sm">
        <p className="text-slate-800" data-testid="state-meaning">
          {TASK_STATE_MEANING[status.state]}
        </p>
        <p className="text-slate-600">{TASK_STATE_NEXT[status.state]}</p>
      </div>
      <ScanReaderNotice status={status} onVerify={() => select("verification")} />
      {status.divergence.pausedBy && <DivergencePauseNotice taskId={status.id} reason={status.divergence.pausedBy} />}
      {notice && <p className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">{notice}</p>}
      {status.error && (status.state === "failed" || status.state === "precheck_failed") && (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm break-words text-red-800">
          {status.error}
        </p>
      )}
      {/* a stopped engine's last warnings are stale (a pause by the policy is said above, in words) */}
      {status.engine.running && status.engine.live?.warnings.filter((w) => !status.sourceReader.label || !w.startsWith(status.sourceReader.label)).map((w) => (
        <p key={w} role="status" data-testid="engine-warning" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm break-words text-amber-900">
          {w}
        </p>
      ))}
      {error && <p className="text-sm text-amber-800">Live updates paused: {error.message}. Retrying…</p>}
      <TaskActions taskId={status.id} taskName={status.name} state={status.state} />
      {status.state !== "finished" && (
        <SpeedLimitsCard taskId={status.id} limits={status.speedLimits} throttled={status.engine.live?.throttled ?? null} running={status.engine.running} />
      )}

      <div>
        <div role="tablist" aria-label="Task details" className="flex flex-wrap border-b border-slate-200">
          {STATUS_TABS.map(([key, label]) => (
            <button
              key={key}
              type="button"
              role="tab"
              id={`tab-${key}`}
              aria-selected={tab === key}
              aria-controls={`panel-${key}`}
              onClick={() => select(key)}
              className={`-mb-px shrink-0 border-b-2 px-2.5 py-2 text-sm whitespace-nowrap sm:px-3 ${tab === key ? "border-blue-600 font-medium text-blue-700" : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900"}`}
            >
              {label}
            </button>
          ))}
        </div>
        <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="pt-4">
          {tab === "overview" && <OverviewTab status={status} onShowEvents={() => select("events")} />}
          {tab === "events" && <EventsTab taskId={status.id} />}
          {tab === "precheck" && <PrecheckTab taskId={status.id} state={status.state} />}
          {tab === "configuration" && <ConfigurationTab taskId={status.id} config={config} keyFilter={status.keyFilter} />}
          {tab === "verification" && <VerificationTab taskId={status.id} configured={configured} synchronizing={status.state === "synchronizing" || status.state === "initializing"} />}
        </div>
      </div>
    </div>
  );
}
