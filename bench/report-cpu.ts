import type { CpuBudget } from "./cpu-budget";
import { s, type Row } from "./report-format";
import { median } from "./stats";

/**
 * The CPU rows under a full sync: what the source spent (its fork child writing the RDB, its main
 * process forwarding it) and how busy the machine was, for the engine's runs and the native replica's.
 * A machine busy on all its cores during the engine's run says the time is CPU: the engine and its
 * destination spend it beside the source's child, where the native replica loads after it.
 */
export function cpuBudgetRows(engine: (CpuBudget | null | undefined)[], native: (CpuBudget | null | undefined)[]): Row[] {
  const e = engine.filter((b): b is CpuBudget => b != null);
  const n = native.filter((b): b is CpuBudget => b != null);
  if (!e.length && !n.length) return [];
  const med = (list: CpuBudget[], f: (b: CpuBudget) => number) => (list.length ? median(list.map(f)) : null);
  const source = (list: CpuBudget[]) => (list.length ? `${s(med(list, (b) => b.sourceChildMs))} + ${s(med(list, (b) => b.sourceMainMs))}` : "—");
  const busy = (list: CpuBudget[]) => {
    if (!list.length) return "—";
    const share = med(list, (b) => (b.machineBusyMs / b.wallMs) * 100)!;
    return `${s(med(list, (b) => b.machineBusyMs))} (${share.toFixed(0)}% of ${list[0].cores}00%)`;
  };
  return [
    { what: "   CPU of the source: fork child (writes the RDB) + main process (forwards it)", engine: source(e), native: source(n), ratio: "", target: "(reported)", pass: null },
    { what: "   CPU the whole machine used during the run (every process; busy share of all cores)", engine: busy(e), native: busy(n), ratio: "", target: "(reported)", pass: null },
  ];
}
