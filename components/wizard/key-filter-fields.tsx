"use client";

import { useId } from "react";
import { previewKeyFilterAction } from "@/server/actions/preview-key-filter.action";
import { Button } from "@/components/ui/button";
import { useActionMutation } from "@/components/ui/use-action-mutation";
import type { TKeyFilter } from "@/contracts/task.types";

/** One pattern a line; blank lines are dropped, a line of spaces only is kept so the form can refuse it. */
export function patternsOf(text: string): string[] {
  return text.split("\n").filter((l) => l.length > 0 && l !== "\r").map((l) => l.replace(/\r$/, ""));
}

/** The form's message for the filter, or null when it can be saved. */
export function keyFilterError(f: TKeyFilter): string | null {
  if ([...f.include, ...f.exclude].some((p) => p.trim() === "")) return "A key pattern cannot be empty: remove the line of spaces.";
  if ([...f.include, ...f.exclude].some((p) => p.length > 1024)) return "Keep each key pattern under 1024 characters.";
  return null;
}

/** Step 3's key filter: include and exclude globs (Redis MATCH syntax), with a preview on a sample of the source. */
export function KeyFilterFields({ taskId, include, exclude, onChange }: { taskId: string; include: string; exclude: string; onChange: (next: { include: string; exclude: string }) => void }) {
  const id = useId();
  const preview = useActionMutation(previewKeyFilterAction);
  const filter = { include: patternsOf(include), exclude: patternsOf(exclude) };
  const problem = keyFilterError(filter);
  const empty = filter.include.length === 0 && filter.exclude.length === 0;
  const area = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm text-slate-900 focus:border-blue-500 focus:outline-none focus:ring-2 focus:ring-blue-500/30";
  return (
    <section aria-labelledby={`${id}-title`} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 sm:p-5">
      <div>
        <h3 id={`${id}-title`} className="text-sm font-medium text-slate-800">
          Key filter (optional)
        </h3>
        <p className="mt-0.5 text-xs text-slate-600">
          One pattern a line, in Redis MATCH syntax: <code>*</code> any characters, <code>?</code> one, <code>[abc]</code> a class, <code>\</code> escapes. Only keys matching an include pattern (every key when
          there is none) and no exclude pattern are synchronized; exclude wins. A command that ties included keys to excluded ones (RENAME, SMOVE…) is reported as not applied exactly.
        </p>
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        <label className="block text-sm font-medium text-slate-800">
          Include keys matching
          <textarea aria-label="Include patterns" rows={3} placeholder="user:*" value={include} onChange={(e) => onChange({ include: e.target.value, exclude })} className={area} />
        </label>
        <label className="block text-sm font-medium text-slate-800">
          Exclude keys matching
          <textarea aria-label="Exclude patterns" rows={3} placeholder="*:tmp" value={exclude} onChange={(e) => onChange({ include, exclude: e.target.value })} className={area} />
        </label>
      </div>
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <Button variant="secondary" disabled={empty || problem !== null || preview.isPending} onClick={() => preview.mutate({ id: taskId, keyFilter: filter })}>
          {preview.isPending ? "Sampling…" : "Preview matching keys"}
        </Button>
        {problem && (
          <span role="alert" className="text-red-700">
            {problem}
          </span>
        )}
        {!problem && preview.data && (
          <span role="status" data-testid="key-filter-preview" className="text-slate-800">
            {preview.data.sampled === 0 ? "The source holds no keys to sample." : `${preview.data.matched} of ${preview.data.sampled} sampled keys match.`}
          </span>
        )}
        {!problem && preview.error && <span className="text-red-700">{preview.error.message}</span>}
      </div>
      {!problem && preview.data?.warnings.map((w) => (
        <p key={w} role="note" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Warning: {w.charAt(0).toUpperCase() + w.slice(1)}. Check the pattern; keys beyond the sample may still match.
        </p>
      ))}
    </section>
  );
}
