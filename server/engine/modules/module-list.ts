import type { Redis } from "ioredis";

/** One loaded module as MODULE LIST names it: its name and its version (an integer, e.g. 10200). */
export interface LoadedModule {
  name: string;
  version: number;
}

const text = (x: unknown): string | null => (typeof x === "string" ? x : Buffer.isBuffer(x) ? x.toString() : null);

/** MODULE LIST's rows ([name, n, ver, v, path, p, args, a] pairs); rows that are not rows are left out. */
export function parseModuleList(reply: unknown): LoadedModule[] {
  if (!Array.isArray(reply)) return [];
  const out: LoadedModule[] = [];
  for (const row of reply) {
    if (!Array.isArray(row)) continue;
    let name: string | null = null;
    let version = NaN;
    for (let i = 0; i + 1 < row.length; i += 2) {
      const k = text(row[i])?.toLowerCase();
      if (k === "name") name = text(row[i + 1]);
      else if (k === "ver") version = Number(text(row[i + 1]) ?? row[i + 1]);
    }
    if (name) out.push({ name, version: Number.isFinite(version) ? version : 0 });
  }
  return out;
}

export async function listModules(client: Redis): Promise<LoadedModule[]> {
  return parseModuleList(await client.call("MODULE", "LIST"));
}

/** The modules of each node of one side, or why they could not be listed. */
export interface NodeModules {
  address: string;
  modules: LoadedModule[] | null;
  error?: string;
}

export interface ModuleGap {
  /** a source module */
  module: LoadedModule;
  /** source nodes that have it */
  sources: string[];
  /** destination nodes without it */
  missingOn: string[];
  /** destination nodes with an older version */
  olderOn: { address: string; version: number }[];
}

/**
 * What the destination lacks of the source's modules: a module by name on every destination node,
 * in the same or a newer version than the newest on any source node (values and commands of a
 * newer module may not load in an older one). Nodes whose list could not be read are left out.
 */
export function moduleGaps(source: NodeModules[], target: NodeModules[]): ModuleGap[] {
  const wanted = new Map<string, { module: LoadedModule; sources: string[] }>();
  for (const n of source) {
    for (const m of n.modules ?? []) {
      const w = wanted.get(m.name);
      if (!w) wanted.set(m.name, { module: { ...m }, sources: [n.address] });
      else {
        w.sources.push(n.address);
        if (m.version > w.module.version) w.module.version = m.version;
      }
    }
  }
  const gaps: ModuleGap[] = [];
  for (const { module, sources } of wanted.values()) {
    const missingOn: string[] = [];
    const olderOn: { address: string; version: number }[] = [];
    for (const n of target) {
      if (n.modules === null) continue;
      const there = n.modules.find((m) => m.name === module.name);
      if (!there) missingOn.push(n.address);
      else if (there.version < module.version) olderOn.push({ address: n.address, version: there.version });
    }
    if (missingOn.length || olderOn.length) gaps.push({ module, sources, missingOn, olderOn });
  }
  return gaps;
}
