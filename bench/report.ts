import { judge, mb, msf, rate, s, x, type Row } from "./report-format";
import { bigValueRows, memoryRows } from "./report-memory";
import { cpuBudgetRows } from "./report-cpu";
import type { BenchResults } from "./results.types";
import { median } from "./stats";
import { TARGETS } from "./targets";

/** The printed table of the benchmark and the list of judged targets (targets.ts). */

export { TARGETS } from "./targets";

function rows(r: BenchResults): Row[] {
  const out: Row[] = [];
  const f = r.fullSync;
  if (f) {
    out.push({
      what: `1. full sync standalone→standalone, ${f.keys.toLocaleString("en")} keys (median of ${Math.max(f.engine.length, f.native.length)}; engine: process start → data equal, precheck ${r.options.precheck ? "included" : "skipped"})`,
      engine: f.engineMedianMs == null ? "failed" : `${s(f.engineMedianMs)} (${rate(f.keys / (f.engineMedianMs / 1000), " keys/s")})`,
      native: f.nativeMedianMs == null ? "—" : `${s(f.nativeMedianMs)} (${rate(f.keys / (f.nativeMedianMs / 1000), " keys/s")})`,
      ratio: x(f.ratio),
      target: `≤ ${TARGETS.fullSyncRatio.toFixed(1)}× native`,
      pass: judge(f.ratio, (v) => v <= TARGETS.fullSyncRatio),
    });
  }
  if (f && f.engine.length) {
    const startup = median(f.engine.map((e) => e.firstStatusMs ?? NaN).filter((v) => !Number.isNaN(v)));
    out.push({ what: "   engine: process start → first status line (part of the time above)", engine: msf(Number.isNaN(startup) ? null : startup), native: "", ratio: "", target: "(reported)", pass: null });
    const keysDone = median(f.engine.map((e) => e.keysCompleteMs));
    const syncing = median(f.engine.map((e) => e.synchronizingMs));
    const engineCpu = median(f.engine.map((e) => e.cpuMs ?? NaN).filter((v) => !Number.isNaN(v)));
    const nativeCpus = f.native.map((n) => n.cpuMs).filter((v): v is number => v != null);
    const nativeCpu = nativeCpus.length ? median(nativeCpus) : null;
    out.push({
      what: "   CPU time used (engine process / replica redis-server): unaffected by other load",
      engine: Number.isNaN(engineCpu) ? "—" : s(engineCpu),
      native: s(nativeCpu),
      ratio: !Number.isNaN(engineCpu) && nativeCpu ? x(engineCpu / nativeCpu) : "—",
      target: "(reported)",
      pass: null,
    });
    if (!Number.isNaN(engineCpu)) out.push(cpuPerMillionRow("standalone", engineCpu, nativeCpu, f.keys));
    const destCpu = f.engine.map((e) => e.destinationCpuMs).filter((v): v is number => v != null);
    if (destCpu.length) out.push({ what: "   CPU time of the engine's destination redis-server (its load)", engine: s(median(destCpu)), native: "", ratio: "", target: "(reported)", pass: null });
    out.push({ what: "   engine: all keys on the destination / first synchronizing status line", engine: `${s(keysDone)} / ${s(syncing)}`, native: "", ratio: "", target: "(reported)", pass: null });
    out.push(...cpuBudgetRows(f.engine.map((e) => e.budget), f.native.map((n) => n.budget)));
  }
  const c = r.cluster;
  if (c) {
    const nativeMs = c.nativeMedianMs ?? null;
    out.push({
      what: `2. full sync cluster ${c.masters}→${c.masters} masters, ${c.keys.toLocaleString("en")} keys (median of ${Math.max(c.engine.length, c.native?.length ?? 0)}; native: ${c.masters} replicas, one per master, REPLICAOF at once)`,
      engine: c.engineMedianMs == null ? "failed" : `${s(c.engineMedianMs)} (${rate(c.keysPerSec, " keys/s")})`,
      native: nativeMs == null ? "—" : `${s(nativeMs)} (${rate(c.keys / (nativeMs / 1000), " keys/s")})`,
      ratio: x(nativeMs == null ? null : c.ratioToNative),
      target: `≤ ${TARGETS.clusterRatio.toFixed(1)}× native`,
      pass: judge(nativeMs == null ? null : c.ratioToNative, (v) => v <= TARGETS.clusterRatio),
    });
    const engineCpus = c.engine.map((e) => e.cpuMs);
    const nativeCpus = (c.native ?? []).map((n) => n.cpuMs).filter((v): v is number => v != null);
    if (engineCpus.length) {
      const engineCpu = median(engineCpus);
      const nativeCpu = nativeCpus.length ? median(nativeCpus) : null;
      out.push({ what: `   CPU time used (engine process / the ${c.masters} replicas' redis-servers summed)`, engine: s(engineCpu), native: s(nativeCpu), ratio: nativeCpu ? x(engineCpu / nativeCpu) : "—", target: "(reported)", pass: null });
      out.push(cpuPerMillionRow("cluster", engineCpu, nativeCpu, c.keys));
    }
    out.push(...cpuBudgetRows(c.engine.map((e) => e.budget), (c.native ?? []).map((n) => n.budget)));
  }
  const i = r.incremental;
  if (i) {
    out.push({
      what: `3. incremental apply rate: ${i.command}`,
      engine: i.engine.length ? rate(i.engineMedianRate, " cmds/s") : "failed",
      native: rate(i.nativeMedianRate, " cmds/s"),
      ratio: i.engineMedianRate && i.nativeMedianRate ? x(i.engineMedianRate / i.nativeMedianRate) : "—",
      target: `≥ ${rate(TARGETS.incrementalRate, " cmds/s")}`,
      pass: judge(i.engineMedianRate, (v) => v >= TARGETS.incrementalRate),
    });
    out.push({
      what: "   catch-up after the benchmark ends (last write visible on the destination)",
      engine: msf(i.engineMedianCatchUpMs),
      native: msf(i.nativeMedianCatchUpMs),
      ratio: "",
      target: `≤ ${TARGETS.catchUpMs} ms`,
      pass: judge(i.engineMedianCatchUpMs, (v) => v <= TARGETS.catchUpMs),
    });
    out.push({
      what: "   same, by the status lines' appliedOffset (1 s granularity)",
      engine: i.engineMedianRateByOffset == null ? "—" : `${rate(i.engineMedianRateByOffset, " cmds/s")}, +${msf(i.engineMedianCatchUpByOffsetMs)}`,
      native: "",
      ratio: "",
      target: "(reported)",
      pass: null,
    });
    out.push({ what: "   peak latencyMs in the status lines", engine: msf(i.enginePeakLatencyMs), native: "", ratio: "", target: "(reported)", pass: null });
  }
  const cu = r.catchUp;
  if (cu) {
    const med = (list: Array<number | null>) => {
      const v = list.filter((n): n is number => n != null);
      return v.length ? median(v) : null;
    };
    out.push({
      what: `3b. catch-up of a frozen backlog: ${cu.command}`,
      engine: cu.engineMedianMs == null ? "failed" : `${s(cu.engineMedianMs)} (${rate(cu.engine.length ? median(cu.engine.map((e) => e.rate)) : null, " cmds/s")})`,
      native: cu.nativeMedianMs == null ? "—" : `${s(cu.nativeMedianMs)} (${rate(cu.native.length ? median(cu.native.map((e) => e.rate)) : null, " cmds/s")})`,
      ratio: x(cu.ratio),
      target: `≤ ${TARGETS.frozenCatchUpRatio}× native`,
      pass: judge(cu.ratio, (v) => v <= TARGETS.frozenCatchUpRatio),
    });
    out.push({
      what: "   CPU during the catch-up: engine + destination / replica redis-server",
      engine: `${s(med(cu.engine.map((e) => e.copyCpuMs)))} + ${s(med(cu.engine.map((e) => e.destinationCpuMs)))}`,
      native: s(med(cu.native.map((e) => e.destinationCpuMs))),
      ratio: "",
      target: "(reported)",
      pass: null,
    });
  }
  out.push(...memoryRows(r));
  const probes = r.console.filter((p) => p.available);
  const p95 = probes.length ? median(probes.map((p) => p.p95Ms!)) : null;
  out.push({
    what: `   console task status p95 during a full sync (polled every 100 ms${r.fullSync?.consoleRun ? `; a run of its own: ${(r.fullSync.consoleRun.ms / 1000).toFixed(2)} s` : ""})`,
    engine: p95 == null ? "not available (reason below)" : `${msf(p95)} (${probes.reduce((n, p) => n + p.samples, 0)} requests, ${probes[0].route})`,
    native: "",
    ratio: "",
    target: `< ${TARGETS.consoleP95Ms} ms`,
    pass: judge(p95, (v) => v < TARGETS.consoleP95Ms),
  });
  if (probes.length) {
    out.push({
      what: "   console: median / slowest / first status request of that run (the first: modules and query plans still cold)",
      engine: [median(probes.map((p) => p.p50Ms!)), Math.max(...probes.map((p) => p.maxMs!)), probes[0].firstMs].map((v) => (v == null ? "?" : msf(v))).join(" / "),
      native: "",
      ratio: "",
      target: "(reported)",
      pass: null,
    });
  }
  const sc = r.scale;
  if (sc) {
    out.push({
      what: `5. scale: ${sc.keys.toLocaleString("en")} keys, engine time`,
      engine: sc.engine ? `${s(sc.engine.ms)} (${rate(sc.engine.keysPerSec, " keys/s")})` : "failed",
      native: s(sc.nativeMs),
      ratio: sc.engine && sc.nativeMs ? x(sc.engine.ms / sc.nativeMs) : "—",
      target: `time per key vs ${sc.baseKeys.toLocaleString("en")}: ${x(sc.timePerKeyRatio)} (1.00× = linear)`,
      pass: null,
    });
    out.push({
      what: "   scale: engine peak RSS",
      engine: mb(sc.engine?.peakRssBytes),
      native: "",
      ratio: x(sc.rssRatio),
      target: `≤ ${TARGETS.scaleRssRatio}× the ${sc.baseKeys.toLocaleString("en")}-key peak`,
      pass: judge(sc.rssRatio, (v) => v <= TARGETS.scaleRssRatio),
    });
  }
  out.push(...bigValueRows(r));
  return out;
}

/** Engine and replica CPU seconds per 1M keys copied: comparable across dataset sizes. */
function cpuPerMillionRow(what: string, engineCpuMs: number, nativeCpuMs: number | null, keys: number): Row {
  const perMillion = (ms: number) => `${(ms / 1000 / (keys / 1e6)).toFixed(2)} s`;
  return {
    what: `   CPU s per 1M keys, ${what} (engine process / replica redis-server${what === "cluster" ? "s summed" : ""})`,
    engine: perMillion(engineCpuMs),
    native: nativeCpuMs == null ? "—" : perMillion(nativeCpuMs),
    ratio: nativeCpuMs ? x(engineCpuMs / nativeCpuMs) : "—",
    target: "(reported)",
    pass: null,
  };
}

export function targetsOf(r: BenchResults): NonNullable<BenchResults["targets"]> {
  return rows(r)
    .filter((row) => row.pass !== null || row.target.startsWith("≤") || row.target.startsWith("≥") || row.target.startsWith("<"))
    .map((row) => ({ name: row.what.trim(), value: row.engine, target: row.target, pass: row.pass }));
}

export function formatTable(r: BenchResults): string {
  const all = rows(r);
  const header: Row = { what: "measure", engine: "engine", native: "native replica", ratio: "ratio", target: "target", pass: null };
  const cells = (row: Row) => [row.what, row.engine, row.native, row.ratio, row.target, row === header ? "result" : row.pass === null ? "" : row.pass ? "PASS" : "FAIL"];
  const table = [header, ...all].map(cells);
  const widths = table[0].map((_, col) => Math.max(...table.map((line) => line[col].length)));
  const line = (cols: string[]) => `| ${cols.map((v, col) => v.padEnd(widths[col])).join(" | ")} |`;
  return [line(table[0]), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...table.slice(1).map(line)].join("\n");
}
