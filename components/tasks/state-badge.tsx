import { TASK_STATE_LABELS, type TTaskState } from "@/contracts/task.types";

const STYLES: Record<TTaskState, string> = {
  not_started: "bg-slate-100 text-slate-700 ring-slate-300",
  prechecking: "bg-sky-50 text-sky-800 ring-sky-300",
  precheck_failed: "bg-red-50 text-red-800 ring-red-300",
  initializing: "bg-blue-50 text-blue-800 ring-blue-300",
  synchronizing: "bg-emerald-50 text-emerald-800 ring-emerald-300",
  paused: "bg-amber-50 text-amber-900 ring-amber-300",
  failed: "bg-red-50 text-red-800 ring-red-300",
  finished: "bg-slate-100 text-slate-600 ring-slate-300",
};

const DOTS: Record<TTaskState, string> = {
  not_started: "bg-slate-400",
  prechecking: "bg-sky-500 animate-pulse",
  precheck_failed: "bg-red-500",
  initializing: "bg-blue-500 animate-pulse",
  synchronizing: "bg-emerald-500",
  paused: "bg-amber-500",
  failed: "bg-red-500",
  finished: "bg-slate-400",
};

export function StateBadge({ state }: { state: TTaskState }) {
  return (
    <span data-state={state} className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${STYLES[state]}`}>
      <span aria-hidden className={`size-1.5 rounded-full ${DOTS[state]}`} />
      {TASK_STATE_LABELS[state]}
    </span>
  );
}
