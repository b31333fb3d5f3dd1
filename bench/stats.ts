/** Nearest-rank percentile of `values` (p in 0..100). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** The median of the repetitions (the middle one; the lower middle for an even count). */
export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` every `intervalMs` until it returns a value (not undefined); throws after `timeoutMs`. */
export async function pollUntil<T>(check: () => Promise<T | undefined> | T | undefined, o: { intervalMs: number; timeoutMs: number; what: () => string }): Promise<T> {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(o.timeoutMs / 1000)} s waiting for ${o.what()}`);
    await sleep(o.intervalMs);
  }
}
