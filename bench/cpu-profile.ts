import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/** Where the time of a `node --cpu-prof` profile goes: self time per function, largest first. */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface SelfTime {
  fn: string;
  where: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** time not spent idle */
  busyMs: number;
  top: SelfTime[];
}

function shortUrl(url: string): string {
  if (!url) return "";
  const clean = url.replace(/^file:\/\//, "");
  const i = clean.indexOf("/server/");
  if (i !== -1) return clean.slice(i + 1);
  const nm = clean.lastIndexOf("node_modules/");
  return nm !== -1 ? clean.slice(nm) : path.basename(clean);
}

export function summarizeProfile(file: string, top = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // a sample's time is the delta to the next sample
  for (let i = 0; i < samples.length; i++) selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + (deltas[i + 1] ?? 0));
  const byFunction = new Map<string, { fn: string; where: string; us: number }>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const fn = functionName || "(anonymous)";
    totalUs += us;
    if (fn === "(idle)") idleUs += us;
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : "";
    const key = `${fn}\0${where}`;
    const entry = byFunction.get(key) ?? { fn, where, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
  }
  const busyUs = totalUs - idleUs;
  const sorted = [...byFunction.values()].filter((e) => e.fn !== "(idle)").sort((a, b) => b.us - a.us);
  return {
    file,
    totalMs: Math.round(totalUs / 1000),
    busyMs: Math.round(busyUs / 1000),
    top: sorted.slice(0, top).map((e) => ({ fn: e.fn, where: e.where, ms: Math.round(e.us / 1000), percent: busyUs ? Math.round((e.us / busyUs) * 1000) / 10 : 0 })),
  };
}

/** Every profile in a folder (one per thread: the main thread and each worker), largest first. */
export function summarizeProfiles(dir: string, top = 20): ProfileSummary[] {
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")).map((f) => path.join(dir, f));
  } catch {
    return [];
  }
  files.sort((a, b) => statSync(b).size - statSync(a).size);
  return files.map((f) => summarizeProfile(f, top)).sort((a, b) => b.busyMs - a.busyMs);
}
