import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requireOperator } from "@/server/auth/require-operator";
import { getTask } from "@/server/db/task/get-task";
import { getEndpoints } from "@/server/db/endpoint/get-endpoints";
import { parseJsonField } from "@/server/db/json";
import { ZDbMapSchema, ZSelectedDbsSchema } from "@/contracts/task.types";
import { DEFAULT_ALERT_RULES, ZAlertRulesSchema } from "@/contracts/alert.types";
import { z } from "zod";
import { TaskStatusPage } from "@/components/task-status/task-status-page";
import { STATUS_TABS, type StatusTab } from "@/components/task-status/tabs";
import { taskStatusView } from "@/server/console/status-view";

export const metadata: Metadata = { title: "Task Status" };

const NOTICES: Record<string, string> = {
  "not-configurable": "The channel of a running, paused or finished task cannot be changed. Stop it, or create a new task.",
};

export default async function TaskStatusRoute({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ tab?: string | string[]; notice?: string | string[] }> }) {
  const { id } = await params;
  const search = await searchParams;
  await requireOperator(`/tasks/${encodeURIComponent(id)}`);
  const [task, status, endpoints] = await Promise.all([getTask({ id }), taskStatusView(id), getEndpoints({ taskId: id })]);
  if (!task || !status) notFound();
  const tab = STATUS_TABS.some(([k]) => k === search.tab) ? (search.tab as StatusTab) : "overview";
  const notice = typeof search.notice === "string" ? (NOTICES[search.notice] ?? null) : null;
  const config = {
    name: task.name,
    regionLabel: task.regionLabel,
    source: endpoints.source ?? null,
    destination: endpoints.destination ?? null,
    conflictMode: task.conflictMode,
    selectedDbs: parseJsonField(task.selectedDbs, ZSelectedDbsSchema, [0]),
    dbMap: parseJsonField(task.dbMap, ZDbMapSchema, {}),
    initialSync: task.initialSync,
    options: parseJsonField(task.options, z.record(z.string(), z.unknown()), {}),
    alerts: parseJsonField(task.alerts, ZAlertRulesSchema, DEFAULT_ALERT_RULES),
  };
  return <TaskStatusPage initial={status} config={config} initialTab={tab} notice={notice} />;
}
