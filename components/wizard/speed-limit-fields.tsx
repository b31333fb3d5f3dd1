"use client";

import { TextField } from "@/components/ui/text-field";
import { parseLimitField } from "@/contracts/speed-limits";
import type { TSpeedLimits } from "@/contracts/task.types";

/** The three limits as the form holds them: text, empty for no limit. */
export type SpeedLimitDraft = { keysPerSec: string; mbPerSec: string; cmdsPerSec: string };

const FIELDS = [
  { key: "keysPerSec", label: "Full synchronization: keys per second", hint: "Keys written a second while copying the full data." },
  { key: "mbPerSec", label: "Full synchronization: MB per second", hint: "Megabytes (10⁶ bytes) of values written a second." },
  { key: "cmdsPerSec", label: "Incremental: commands per second", hint: "Commands applied a second after the full copy. The source is still read at full speed: what waits is kept on disk." },
] as const;

export function draftOf(l: TSpeedLimits): SpeedLimitDraft {
  const s = (n: number | null | undefined) => (n ? String(n) : "");
  return { keysPerSec: s(l.keysPerSec), mbPerSec: s(l.mbPerSec), cmdsPerSec: s(l.cmdsPerSec) };
}

/** The draft as limits, or the message of each bad field (a form error, never a request). */
export function readDraft(d: SpeedLimitDraft): { limits: TSpeedLimits; errors: Partial<Record<keyof SpeedLimitDraft, string>> } {
  const limits: TSpeedLimits = {};
  const errors: Partial<Record<keyof SpeedLimitDraft, string>> = {};
  for (const f of FIELDS) {
    const r = parseLimitField(d[f.key]);
    if ("error" in r) errors[f.key] = r.error;
    else limits[f.key] = r.value;
  }
  return { limits, errors };
}

export function SpeedLimitFields({ value, onChange, errors, idPrefix }: { value: SpeedLimitDraft; onChange: (d: SpeedLimitDraft) => void; errors: Partial<Record<keyof SpeedLimitDraft, string>>; idPrefix: string }) {
  return (
    <div className="grid gap-3 sm:grid-cols-3">
      {FIELDS.map((f) => (
        <TextField
          key={f.key}
          name={`${idPrefix}-${f.key}`}
          label={f.label}
          hint={f.hint}
          placeholder="no limit"
          inputMode="decimal"
          value={value[f.key]}
          error={errors[f.key]}
          onChange={(e) => onChange({ ...value, [f.key]: e.target.value })}
        />
      ))}
    </div>
  );
}
