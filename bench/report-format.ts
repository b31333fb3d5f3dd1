/** Cell formatting of the benchmark table (report.ts, report-memory.ts). */

export interface Row {
  what: string;
  engine: string;
  native: string;
  ratio: string;
  target: string;
  /** null: reported, not judged */
  pass: boolean | null;
}

export const s = (ms: number | null | undefined) => (ms == null ? "—" : `${(ms / 1000).toFixed(2)} s`);
export const msf = (ms: number | null | undefined) => (ms == null ? "—" : `${Math.round(ms)} ms`);
export const rate = (r: number | null | undefined, unit = "/s") => (r == null ? "—" : r >= 1e6 ? `${(r / 1e6).toFixed(2)}M${unit}` : `${(r / 1e3).toFixed(1)}k${unit}`);
/** binary megabytes, as RSS and the targets count them */
export const mb = (b: number | null | undefined) => (b == null || b === 0 ? "—" : `${(b / 1024 / 1024).toFixed(0)} MB`);
export const x = (r: number | null | undefined) => (r == null ? "—" : `${r.toFixed(2)}×`);

/** null when there is no figure to judge (a phase failed or was skipped) */
export const judge = (v: number | null | undefined, ok: (v: number) => boolean) => (v == null || Number.isNaN(v) ? null : ok(v));
