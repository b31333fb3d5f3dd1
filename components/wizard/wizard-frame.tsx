import Link from "next/link";
import type { ReactNode } from "react";
import { WIZARD_STEPS } from "@/contracts/configure-task.types";

/** The wizard's page frame: title, task name, and where the operator is among the five steps. */
export function WizardFrame({ taskId, taskName, step, reached, children }: { taskId: string; taskName: string; step: number; reached: number; children: ReactNode }) {
  const current = WIZARD_STEPS[step - 1];
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
        <Link href="/" className="text-blue-700 hover:underline">
          ← Synchronization Tasks
        </Link>
        <Link href={`/tasks/${taskId}`} className="text-blue-700 hover:underline">
          Task status
        </Link>
      </div>
      <div>
        <h1 className="text-2xl font-semibold text-slate-900">Configure Synchronization Channel</h1>
        <p className="mt-1 text-sm break-words text-slate-600">
          Task <span className="font-medium text-slate-900">{taskName}</span>
        </p>
      </div>
      <nav aria-label="Configuration steps">
        <p className="text-sm font-medium text-slate-700 sm:hidden">
          Step {step} of {WIZARD_STEPS.length}: {current.title}
        </p>
        <ol className="mt-2 flex gap-1.5 sm:mt-0 sm:grid sm:grid-cols-5 sm:gap-2">
          {WIZARD_STEPS.map((s) => {
            const state = s.n === step ? "current" : s.n < step || s.n <= reached ? "done" : "todo";
            const box = `flex min-w-0 flex-1 flex-col gap-1 border-t-4 pt-2 text-xs sm:text-sm ${state === "current" ? "border-blue-600" : state === "done" ? "border-blue-300" : "border-slate-200"}`;
            const label = (
              <>
                <span className={`font-semibold ${state === "todo" ? "text-slate-500" : "text-blue-700"}`}>Step {s.n}</span>
                <span className={`hidden sm:block ${state === "current" ? "font-medium text-slate-900" : state === "todo" ? "text-slate-500" : "text-slate-700"}`}>{s.title}</span>
              </>
            );
            return (
              <li key={s.n} className={box} aria-current={state === "current" ? "step" : undefined}>
                {state === "done" && s.n <= reached ? (
                  <Link href={`/tasks/${taskId}/configure/${s.slug}`} className="flex flex-col gap-1 hover:underline">
                    {label}
                  </Link>
                ) : (
                  label
                )}
              </li>
            );
          })}
        </ol>
      </nav>
      <h2 className="text-lg font-semibold text-slate-900">{current.title}</h2>
      {children}
    </div>
  );
}

/** The bar under each step: Back on the left, the step's actions on the right (as in the reference, bottom right). */
export function WizardNav({ back, children, note }: { back?: ReactNode; children: ReactNode; note?: ReactNode }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-4 py-3 sm:px-5">
      {note && <div className="mb-2 text-sm">{note}</div>}
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>{back}</div>
        <div className="flex flex-wrap justify-end gap-2">{children}</div>
      </div>
    </div>
  );
}
