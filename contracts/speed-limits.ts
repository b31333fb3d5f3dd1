import type { TSpeedLimits } from "./task.types";

/** "10000 keys/s, 5 MB/s, 2000 commands/s" or "no limit": the console's wording (the engine says the same). */
export function describeSpeedLimits(l: TSpeedLimits): string {
  const parts: string[] = [];
  if (l.keysPerSec) parts.push(`${l.keysPerSec} keys/s`);
  if (l.mbPerSec) parts.push(`${l.mbPerSec} MB/s`);
  if (l.cmdsPerSec) parts.push(`${l.cmdsPerSec} commands/s`);
  return parts.length ? parts.join(", ") : "no limit";
}

/** The form's text of one limit → a number, null (empty: no limit), or the message for a bad value. */
export function parseLimitField(text: string): { value: number | null } | { error: string } {
  const t = text.trim();
  if (t === "") return { value: null };
  const n = /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)$/.test(t) ? Number(t) : NaN;
  if (Number.isNaN(n)) return { error: "Enter a number (or leave it empty for no limit)." };
  if (n <= 0) return { error: "A limit must be above 0 (leave it empty for no limit)." };
  return { value: n };
}
