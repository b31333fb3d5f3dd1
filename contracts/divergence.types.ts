/** Shared by the status page, the API and the data functions (no server-only here). */

export interface TDivergentKeyRow {
  id: number;
  time: string;
  kind: "refused" | "inexact";
  shard: string;
  db: number | null;
  command: string;
  /** the key as a person reads it (printable form), null for a keyless command */
  key: string | null;
  reason: string;
  phase: "full" | "incremental";
}

/** Rows kept per task: past it the counts go on, the oldest rows stay and new ones are dropped. */
export const MAX_DIVERGENT_KEYS = 10_000;
