import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Where the time of a `node --cpu-prof` profile goes: self time per function, largest first. */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
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

const maps = new Map<string, SourceMap | null>();

/** The inline source map of a bundled file (the CLI runs from an esbuild bundle), read once. */
function sourceMapOf(url: string): SourceMap | null {
  if (maps.has(url)) return maps.get(url)!;
  let map: SourceMap | null = null;
  try {
    const file = url.startsWith("file:") ? fileURLToPath(url) : url;
    const code = readFileSync(file, "utf8");
    const m = /\/\/# sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)\s*$/.exec(code);
    if (m) map = new SourceMap(JSON.parse(Buffer.from(m[1], "base64").toString("utf8")));
    // the CLI bundle's map is a file beside it (bin/redis-dts: sourcemap "external")
    else if (existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8")));
  } catch {
    map = null;
  }
  maps.set(url, map);
  return map;
}

/** file:line of a profile frame, through the bundle's source map when there is one. */
function locate(frame: ProfileNode["callFrame"]): string {
  const { url, lineNumber, columnNumber } = frame;
  if (!url) return "";
  const map = /\.[cm]?js$/.test(url) ? sourceMapOf(url) : null;
  const entry = map?.findEntry(lineNumber, columnNumber) as { originalSource?: string; originalLine?: number } | undefined;
  if (entry?.originalSource) return `${shortUrl(entry.originalSource)}:${(entry.originalLine ?? 0) + 1}`;
  // tsx-compiled modules report line 0 for everything: a line is only shown when it means something
  return `${shortUrl(url)}${lineNumber > 0 ? `:${lineNumber + 1}` : ""}`;
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
    const fn = node.callFrame.functionName || "(anonymous)";
    totalUs += us;
    if (fn === "(idle)") idleUs += us;
    const where = locate(node.callFrame);
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
