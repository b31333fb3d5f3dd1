import type { Endpoint } from "../endpoint";
import { discoverTopology, masters, withControl } from "../topology";
import { isOwnKey } from "../own-keys";
import { KeyFilter, type KeyFilterSpec } from "./key-filter";

export interface FilterSample {
  /** keys read (the product's own keys left out) */
  sampled: number;
  /** of those, the keys the filter includes */
  matched: number;
  /** per pattern: how many sampled keys it matches on its own */
  patterns: Array<{ kind: "include" | "exclude"; pattern: string; matched: number }>;
}

/**
 * A sample of the source's keys against a key filter (the wizard's preview, the precheck's warning):
 * SCAN of each data node, at most `size` keys in all, spread over the masters of a cluster. A sample,
 * not a count: the wording says "N of M sampled keys".
 */
export async function sampleFilter(source: Endpoint, spec: KeyFilterSpec, opts: { size?: number; timeoutMs?: number; db?: number } = {}): Promise<FilterSample> {
  const filter = new KeyFilter(spec);
  const size = opts.size ?? 1000;
  const timeoutMs = opts.timeoutMs ?? 3000;
  const topology = await discoverTopology(source, { timeoutMs });
  const nodes = topology.mode === "cluster" ? masters(topology) : topology.nodes.slice(0, 1);
  const perNode = Math.max(1, Math.ceil(size / nodes.length));
  const keys: Buffer[] = [];
  for (const n of nodes) {
    const target = { host: n.host, port: n.port, username: source.username, password: source.password, tls: source.tls };
    await withControl(target, { timeoutMs }, async (c) => {
      if (opts.db && topology.mode !== "cluster") await c.call("SELECT", String(opts.db));
      let cursor = "0";
      let taken = 0;
      do {
        const [next, batch] = (await c.callBuffer("SCAN", cursor, "COUNT", "500")) as [Buffer, Buffer[]];
        cursor = next.toString();
        for (const k of batch) {
          if (taken >= perNode) break;
          if (isOwnKey(k)) continue;
          keys.push(k);
          taken++;
        }
      } while (cursor !== "0" && taken < perNode);
    });
  }
  const test = (p: string) => new KeyFilter({ include: [p], exclude: [] });
  return {
    sampled: keys.length,
    matched: keys.filter((k) => filter.keyIncluded(k)).length,
    patterns: [
      ...spec.include.map((pattern) => ({ kind: "include" as const, pattern, matched: countMatches(test(pattern), keys) })),
      ...spec.exclude.map((pattern) => ({ kind: "exclude" as const, pattern, matched: countMatches(test(pattern), keys) })),
    ],
  };
}

function countMatches(f: KeyFilter, keys: Buffer[]): number {
  let n = 0;
  for (const k of keys) if (f.keyIncluded(k)) n++;
  return n;
}

/** One line per pattern that matches none of the sampled keys: "include usr:* matches none of 1000 sampled keys". */
export function unmatchedPatterns(s: FilterSample): string[] {
  if (s.sampled === 0) return [];
  return s.patterns.filter((p) => p.matched === 0).map((p) => `${p.kind} ${p.pattern} matches none of ${s.sampled} sampled keys`);
}
