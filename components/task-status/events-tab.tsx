"use client";

import { useState } from "react";
import { formatEventTime } from "./format";
import { useEvents, type TaskEventView } from "./use-task-status";

const LEVELS = [
  ["info", "Info", "text-slate-600"],
  ["warn", "Warning", "text-amber-700"],
  ["error", "Error", "text-red-700"],
] as const;

/** The newest few events, for the Overview tab. */
export function RecentEvents({ taskId, onShowAll }: { taskId: string; onShowAll: () => void }) {
  const { data } = useEvents(taskId, []);
  const events = (data?.events ?? []).slice(0, 8);
  return (
    <section aria-labelledby="recent-events-title" className="rounded-lg border border-slate-200 bg-white">
      <div className="flex items-baseline justify-between gap-2 px-4 pt-4 sm:px-5">
        <h2 id="recent-events-title" className="text-sm font-semibold text-slate-900">
          Recent events
        </h2>
        <button type="button" onClick={onShowAll} className="text-sm text-blue-700 hover:underline">
          All events
        </button>
      </div>
      {events.length === 0 ? (
        <p className="px-4 pt-2 pb-4 text-sm text-slate-500 sm:px-5">{data ? "No events yet." : "Loading events…"}</p>
      ) : (
        <EventList events={events} />
      )}
    </section>
  );
}

function EventList({ events }: { events: TaskEventView[] }) {
  return (
    <ol className="divide-y divide-slate-100 py-1 text-sm">
      {events.map((e) => {
        const level = LEVELS.find((l) => l[0] === e.level);
        return (
          <li key={e.id} data-level={e.level} className="grid grid-cols-[auto_4.5rem_minmax(0,1fr)] gap-x-3 px-4 py-1.5 max-sm:grid-cols-[auto_minmax(0,1fr)] sm:px-5">
            <time dateTime={e.time} className="text-xs whitespace-nowrap text-slate-500 tabular-nums sm:text-sm" suppressHydrationWarning>
              {formatEventTime(e.time)}
            </time>
            <span className={`text-xs font-semibold uppercase sm:text-sm ${level?.[2] ?? ""}`}>{level?.[1] ?? e.level}</span>
            <span className="break-words text-slate-800 max-sm:col-span-2">{e.message}</span>
          </li>
        );
      })}
    </ol>
  );
}

/** The task's log, newest first, filtered by level and by text. */
export function EventsTab({ taskId }: { taskId: string }) {
  const [levels, setLevels] = useState<string[]>([]);
  const [text, setText] = useState("");
  const { data, error, isPending } = useEvents(taskId, levels);
  const needle = text.trim().toLowerCase();
  const events = (data?.events ?? []).filter((e) => !needle || e.message.toLowerCase().includes(needle));
  const toggle = (level: string) => setLevels((l) => (l.includes(level) ? l.filter((x) => x !== level) : [...l, level]));
  return (
    <section aria-label="Events" className="rounded-lg border border-slate-200 bg-white">
      <div className="flex flex-wrap items-center gap-2 border-b border-slate-200 px-4 py-3 sm:px-5">
        <div role="group" aria-label="Levels" className="flex flex-wrap gap-1.5">
          <button
            type="button"
            aria-pressed={levels.length === 0}
            onClick={() => setLevels([])}
            className={`rounded-full border px-2.5 py-0.5 text-xs ${levels.length === 0 ? "border-blue-600 bg-blue-600 text-white" : "border-slate-300 text-slate-700"}`}
          >
            All
          </button>
          {LEVELS.map(([level, label]) => (
            <button
              key={level}
              type="button"
              aria-pressed={levels.includes(level)}
              onClick={() => toggle(level)}
              className={`rounded-full border px-2.5 py-0.5 text-xs ${levels.includes(level) ? "border-blue-600 bg-blue-600 text-white" : "border-slate-300 text-slate-700"}`}
            >
              {label}
            </button>
          ))}
        </div>
        <input
          type="search"
          aria-label="Filter events"
          placeholder="Filter by text"
          value={text}
          onChange={(e) => setText(e.target.value)}
          className="ml-auto w-full rounded-md border border-slate-300 px-2.5 py-1 text-sm sm:w-56"
        />
      </div>
      {error && <p className="px-4 py-2 text-sm text-amber-800 sm:px-5">Live updates paused: {error.message}</p>}
      {isPending ? (
        <p className="px-4 py-3 text-sm text-slate-500 sm:px-5">Loading events…</p>
      ) : events.length === 0 ? (
        <p className="px-4 py-3 text-sm text-slate-500 sm:px-5">No events{levels.length || needle ? " match the filter" : " yet"}.</p>
      ) : (
        <EventList events={events} />
      )}
    </section>
  );
}
