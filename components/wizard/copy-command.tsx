"use client";

import { useState } from "react";

/** A command to paste into redis-cli, with a Copy button (selectable text when the clipboard is unavailable). */
export function CopyCommand({ label, command }: { label: string; command: string }) {
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(command);
      setCopied("yes");
    } catch {
      setCopied("no");
    }
    setTimeout(() => setCopied(null), 2500);
  }
  return (
    <div>
      <div className="flex items-center justify-between gap-2">
        <p className="text-xs font-medium text-slate-700">{label}</p>
        <button type="button" onClick={copy} className="rounded border border-slate-300 bg-white px-2 py-0.5 text-xs text-slate-700 hover:bg-slate-50" aria-label={`Copy: ${label}`}>
          {copied === "yes" ? "Copied" : copied === "no" ? "Select and copy" : "Copy"}
        </button>
      </div>
      <pre className="mt-1 overflow-x-auto rounded-md bg-slate-900 px-3 py-2 font-mono text-xs break-words whitespace-pre-wrap text-slate-100">{command}</pre>
    </div>
  );
}
