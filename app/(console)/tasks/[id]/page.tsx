import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireOperator } from "@/server/auth/require-operator";
import { getTask } from "@/server/db/task/get-task";
import { findTaskEvents } from "@/server/db/task-event/find-task-events";
import { ZTaskStateSchema, type TTaskState } from "@/server/db/task/task.types";
import { StateBadge } from "@/components/tasks/state-badge";
import { TASK_STATE_MEANING } from "@/components/tasks/state-meaning";
import { formatDateTime, formatMode } from "@/components/tasks/format";

export const metadata: Metadata = { title: "Task" };

const LEVEL_STYLE: Record<string, string> = { info: "text-slate-600", warn: "text-amber-700", error: "text-red-700" };

export default async function TaskPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireOperator(`/tasks/${encodeURIComponent(id)}`);
  const task = await getTask({ id });
  if (!task) notFound();
  const parsed = ZTaskStateSchema.safeParse(task.state);
  const state: TTaskState = parsed.success ? parsed.data : "failed";
  const events = await findTaskEvents({ taskId: id, take: 50 });
  const endpoint = (role: string) => task.endpoints.find((e) => e.role === role && e.host);

  return (
    <div className="space-y-6">
      <Link href="/" className="text-sm text-blue-700 hover:underline">
        ← Synchronization Tasks
      </Link>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold break-words text-slate-900">{task.name}</h1>
        <StateBadge state={state} />
      </div>
      <p className="max-w-3xl text-sm text-slate-700">{TASK_STATE_MEANING[state]}</p>
      {task.error && (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {task.error}
        </p>
      )}
      {(state === "not_started" || state === "precheck_failed" || state === "failed") && (
        <Link href={`/tasks/${task.id}/configure`} className="inline-flex rounded-md bg-blue-600 px-3.5 py-2 text-sm font-medium text-white hover:bg-blue-700">
          Configure Synchronization Channel
        </Link>
      )}

      <section className="grid gap-4 md:grid-cols-2">
        {(["source", "destination"] as const).map((role) => {
          const e = endpoint(role);
          return (
            <div key={role} className="rounded-lg border border-slate-200 bg-white p-4">
              <h2 className="text-sm font-semibold text-slate-900">{role === "source" ? "Source Instance Details" : "Destination Instance Details"}</h2>
              {e ? (
                <dl className="mt-2 grid grid-cols-[8rem_1fr] gap-y-1 text-sm">
                  <dt className="text-slate-500">Address</dt>
                  <dd className="break-words">{`${e.host}:${e.port}`}</dd>
                  <dt className="text-slate-500">Instance Mode</dt>
                  <dd>{formatMode(e.mode)}</dd>
                  <dt className="text-slate-500">Region</dt>
                  <dd>{e.regionLabel || "—"}</dd>
                  <dt className="text-slate-500">Account</dt>
                  <dd>{e.username || "default user"}</dd>
                </dl>
              ) : (
                <p className="mt-2 text-sm text-slate-500">Not configured yet.</p>
              )}
            </div>
          );
        })}
      </section>

      <section className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="text-sm font-semibold text-slate-900">Task</h2>
        <dl className="mt-2 grid grid-cols-[10rem_1fr] gap-y-1 text-sm">
          <dt className="text-slate-500">Region label</dt>
          <dd>{task.regionLabel}</dd>
          <dt className="text-slate-500">Created</dt>
          <dd suppressHydrationWarning>{formatDateTime(task.createdAt)}</dd>
          <dt className="text-slate-500">Started</dt>
          <dd suppressHydrationWarning>{task.startedAt ? formatDateTime(task.startedAt) : "—"}</dd>
          <dt className="text-slate-500">Task id</dt>
          <dd className="font-mono text-xs break-words">{task.id}</dd>
        </dl>
      </section>

      <section className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="text-sm font-semibold text-slate-900">Events</h2>
        {events.length === 0 ? (
          <p className="mt-2 text-sm text-slate-500">No events yet.</p>
        ) : (
          <ul className="mt-2 divide-y divide-slate-100 text-sm">
            {events.map((event) => (
              <li key={event.id} className="flex flex-wrap gap-x-3 py-1.5">
                <time className="text-slate-500 tabular-nums" suppressHydrationWarning>
                  {formatDateTime(event.time)}
                </time>
                <span className={`w-12 font-medium uppercase ${LEVEL_STYLE[event.level] ?? ""}`}>{event.level}</span>
                <span className="min-w-0 flex-1 break-words text-slate-800">{event.message}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
