import { judge, mb, s, x, type Row } from "./report-format";
import type { BenchResults } from "./results.types";
import { median } from "./stats";
import { TARGETS } from "./targets";

/**
 * The memory rows of the table. Issue 15 bounds a copy's memory by what it must hold at once -- the
 * largest single value -- plus a fixed 150 MiB, so the bound is computed from the dataset of the run.
 */

const bytes = (n: number) => (n >= 1024 * 1024 ? mb(n) : n >= 1024 ? `${(n / 1024).toFixed(0)} KiB` : `${n} B`);
const OVER = TARGETS.rssOverLargestValueBytes;

export function memoryRows(r: BenchResults): Row[] {
  const out: Row[] = [];
  const f = r.fullSync;
  const largest = r.dataset?.largestValueBytes;
  const bound = (largest ?? 0) + OVER;
  const keysNote = f && f.keys !== 1_000_000 ? ` (target set for 1M keys; this run: ${f.keys.toLocaleString("en")})` : "";
  out.push({
    what: `4. engine peak RSS during full sync (100 ms samples and VmHWM)${keysNote}`,
    engine: mb(r.memory.fullSyncPeakRssBytes),
    native: "",
    ratio: "",
    target: `≤ ${mb(bound)} (largest value ${largest == null ? "unknown" : bytes(largest)} + ${mb(OVER)})`,
    pass: judge(r.memory.fullSyncPeakRssBytes || null, (v) => v <= bound),
  });
  const atStart = f?.engine.map((e) => e.rssAtFirstStatusBytes).filter((v): v is number => v != null) ?? [];
  if (atStart.length) out.push({ what: "   engine RSS at its first status line (before any data moves)", engine: mb(median(atStart)), native: "", ratio: "", target: "(reported)", pass: null });
  out.push({
    what: "   engine peak RSS during incremental (100 ms samples)",
    engine: mb(r.memory.incrementalPeakRssBytes),
    native: "",
    ratio: "",
    target: `≤ ${mb(TARGETS.incrementalPeakRssBytes)}`,
    pass: judge(r.memory.incrementalPeakRssBytes || null, (v) => v <= TARGETS.incrementalPeakRssBytes),
  });
  return out;
}

/** Section 6: one big string; every run under the value + 150 MiB, and the value equal every run. */
export function bigValueRows(r: BenchResults): Row[] {
  const b = r.bigValue;
  if (!b) return [];
  const bound = b.valueBytes + OVER;
  const runs = b.engine.length;
  const allEqual = runs > 0 && b.engine.every((e) => e.equal);
  const out: Row[] = [
    {
      what: `6. big value: one ${mb(b.valueBytes)} random string + ${b.smallKeys} small keys, full sync (median of ${runs})`,
      engine: b.engineMedianMs == null ? "failed" : `${s(b.engineMedianMs)}${allEqual ? ", value equal" : runs ? ", VALUE DIFFERS" : ""}`,
      native: s(b.nativeMs),
      ratio: b.engineMedianMs != null && b.nativeMs ? x(b.engineMedianMs / b.nativeMs) : "—",
      target: "(reported)",
      pass: null,
    },
    {
      what: `   big value: engine peak RSS of every run (min–max of ${runs}, VmHWM)`,
      engine: runs ? `${mb(b.minPeakRssBytes)}–${mb(b.maxPeakRssBytes)} (spread ${bytes((b.maxPeakRssBytes ?? 0) - (b.minPeakRssBytes ?? 0))})` : "failed",
      native: "",
      ratio: "",
      target: `≤ ${mb(bound)} every run (value + ${mb(OVER)}), value equal`,
      pass: runs ? allEqual && judge(b.maxPeakRssBytes, (v) => v <= bound) === true : null,
    },
  ];
  return out;
}
