"use client";

import { useState } from "react";

/**
 * The reference console's two lists: databases in Available, moved to Selected (and back) with the
 * buttons between them. Only databases can be chosen, never single keys.
 */
export function DbPicker({ count, keys, selected, onChange }: { count: number; keys: Record<number, number>; selected: number[]; onChange: (dbs: number[]) => void }) {
  const [marked, setMarked] = useState<Set<number>>(new Set());
  const all = Array.from({ length: count }, (_, i) => i);
  const available = all.filter((db) => !selected.includes(db));
  const toggle = (db: number) =>
    setMarked((m) => {
      const next = new Set(m);
      if (next.has(db)) next.delete(db);
      else next.add(db);
      return next;
    });
  const move = (toSelected: boolean) => {
    const from = toSelected ? available : selected;
    const moving = from.filter((db) => marked.has(db));
    if (moving.length === 0) return;
    onChange(toSelected ? [...selected, ...moving].sort((a, b) => a - b) : selected.filter((db) => !moving.includes(db)));
    setMarked(new Set());
  };
  const markedIn = (list: number[]) => list.some((db) => marked.has(db));

  return (
    <div className="grid grid-cols-1 items-stretch gap-3 sm:grid-cols-[minmax(0,1fr)_auto_minmax(0,1fr)]">
      <DbList title="Available" dbs={available} keys={keys} marked={marked} onToggle={toggle} onMarkAll={() => setMarked(new Set(available))} />
      <div className="flex flex-row justify-center gap-2 sm:flex-col">
        <button type="button" onClick={() => move(true)} disabled={!markedIn(available)} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm text-slate-800 hover:bg-slate-50 disabled:text-slate-400">
          <span aria-hidden className="sm:hidden">↓ </span>Add to Selected<span aria-hidden className="hidden sm:inline"> →</span>
        </button>
        <button type="button" onClick={() => move(false)} disabled={!markedIn(selected)} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm text-slate-800 hover:bg-slate-50 disabled:text-slate-400">
          <span aria-hidden className="hidden sm:inline">← </span>Remove<span aria-hidden className="sm:hidden"> ↑</span>
        </button>
      </div>
      <DbList title="Selected" dbs={selected} keys={keys} marked={marked} onToggle={toggle} onMarkAll={() => setMarked(new Set(selected))} />
    </div>
  );
}

function DbList({ title, dbs, keys, marked, onToggle, onMarkAll }: { title: string; dbs: number[]; keys: Record<number, number>; marked: Set<number>; onToggle: (db: number) => void; onMarkAll: () => void }) {
  return (
    <fieldset className="min-w-0 rounded-md border border-slate-300 bg-white">
      <legend className="sr-only">{title}</legend>
      <div aria-hidden className="flex items-center justify-between border-b border-slate-200 bg-slate-50 px-3 py-1.5 text-xs font-semibold text-slate-700">
        <span>
          {title} ({dbs.length})
        </span>
        {dbs.length > 0 && (
          <button type="button" tabIndex={-1} onClick={onMarkAll} className="font-normal text-blue-700 hover:underline">
            Mark all
          </button>
        )}
      </div>
      <ul className="max-h-56 min-h-24 overflow-y-auto py-1 text-sm">
        {dbs.length === 0 && <li className="px-3 py-2 text-slate-500">{title === "Selected" ? "Nothing selected yet." : "Every database is selected."}</li>}
        {dbs.map((db) => (
          <li key={db}>
            <label className="flex cursor-pointer items-center gap-2 px-3 py-1 hover:bg-slate-50">
              <input type="checkbox" className="size-4 accent-blue-600" checked={marked.has(db)} onChange={() => onToggle(db)} aria-label={`${title}: db${db}`} />
              <span className="font-medium text-slate-900">db{db}</span>
              <span className="ml-auto text-xs text-slate-500 tabular-nums">{keys[db] ? `${keys[db].toLocaleString("en-US")} keys` : "empty"}</span>
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
