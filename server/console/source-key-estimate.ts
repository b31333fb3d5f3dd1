import "server-only";
import { discoverTopology, masters, withControl } from "@/server/engine/topology";
import { dataKeysPerDb } from "@/server/engine/keys/count-own-keys";
import { loadTaskConfig } from "@/server/runner/task-config";

/**
 * How many keys the full synchronization has to copy, from INFO keyspace of every source master
 * (the selected databases), less redis-dts's own keys (heartbeats are not data). A diskless master does not announce the RDB's size, so this is the
 * denominator the progress bar uses. Cached a short while: the status is polled every second or two.
 */
interface Estimate {
  at: number;
  keys: number | null;
  pending: boolean;
}

const g = globalThis as unknown as { __redisDtsKeyEstimates?: Map<string, Estimate> };
const cache = (g.__redisDtsKeyEstimates ??= new Map());
const MAX_AGE_MS = 30_000;

/** The last estimate (null until one is known); refreshes it in the background when old. */
export function sourceKeyEstimate(taskId: string): number | null {
  const e = cache.get(taskId);
  if (!e || (!e.pending && Date.now() - e.at > MAX_AGE_MS)) {
    const next: Estimate = { at: Date.now(), keys: e?.keys ?? null, pending: true };
    cache.set(taskId, next);
    void countSourceKeys(taskId)
      .then((keys) => cache.set(taskId, { at: Date.now(), keys, pending: false }))
      .catch(() => cache.set(taskId, { at: Date.now(), keys: next.keys, pending: false }));
  }
  return e?.keys ?? null;
}

async function countSourceKeys(taskId: string): Promise<number | null> {
  const cfg = await loadTaskConfig(taskId, "");
  const topology = await discoverTopology(cfg.source, { timeoutMs: 3000 });
  const nodes = topology.mode === "cluster" ? masters(topology) : topology.nodes;
  const counts = await Promise.all(
    nodes.map((n) =>
      withControl({ host: n.host, port: n.port, username: cfg.source.username, password: cfg.source.password }, { timeoutMs: 3000 }, (c) => dataKeysPerDb((cmd, ...args) => c.call(cmd, ...args))),
    ),
  );
  let total = 0;
  for (const perDb of counts) {
    for (const [db, keys] of perDb) if (!cfg.dbs || cfg.dbs.includes(db)) total += keys;
  }
  return total;
}
