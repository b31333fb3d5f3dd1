import type { Cluster, Redis } from "ioredis";
import { parseRedisUri, type Endpoint } from "../engine/endpoint";
import { compare } from "../engine/compare";
import type { CompareResult } from "../engine/compare";
import { info, type RedisClusterHandle, type RedisNode } from "./redis-harness";
import type { SyncProcess } from "./sync-process";

/** Data of every type, written before a sync starts (what the full synchronization must copy). */
export async function seedData(client: Redis | Cluster, prefix: string, count = 200): Promise<void> {
  // A cluster client pipelines only keys of one slot: there, send the commands one by one (concurrently).
  const cluster = "nodes" in client;
  const pending: Promise<unknown>[] = [];
  const p = cluster
    ? (new Proxy({}, { get: (_t, name: string) => (...args: unknown[]) => pending.push((client as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name](...args)) }) as ReturnType<Redis["pipeline"]>)
    : client.pipeline();
  for (let i = 0; i < count; i++) {
    const k = `${prefix}${i}`;
    switch (i % 7) {
      case 0: p.set(`${k}:s`, `value-${i}`.repeat(1 + (i % 5))); break;
      case 1: p.rpush(`${k}:l`, ...Array.from({ length: 1 + (i % 300) }, (_, j) => `e${j}`)); break;
      case 2: p.sadd(`${k}:set`, ...Array.from({ length: 1 + (i % 200) }, (_, j) => `m${j}`)); break;
      case 3: p.zadd(`${k}:z`, ...Array.from({ length: 1 + (i % 150) }, (_, j) => [j * 1.5, `z${j}`]).flat()); break;
      case 4: p.hset(`${k}:h`, Object.fromEntries(Array.from({ length: 1 + (i % 180) }, (_, j) => [`f${j}`, `v${j}`]))); break;
      case 5: p.set(`${k}:ttl`, "expiring", "PX", 600_000 + i); break;
      default: p.xadd(`${k}:x`, "*", "field", String(i)); break;
    }
  }
  if (cluster) await Promise.all(pending);
  else await p.exec();
}

export async function masterOffsets(nodes: RedisNode[]): Promise<number[]> {
  return Promise.all(nodes.map(async (n) => Number(/master_repl_offset:(\d+)/.exec(await info(n, "replication"))?.[1] ?? 0)));
}

export async function syncStats(node: RedisNode): Promise<{ full: number; partialOk: number }> {
  const s = await info(node, "stats");
  return { full: Number(/sync_full:(\d+)/.exec(s)?.[1]), partialOk: Number(/sync_partial_ok:(\d+)/.exec(s)?.[1]) };
}

/** Waits until the destination reflects everything the source masters had written so far. */
export async function waitCaughtUp(sync: SyncProcess, masters: RedisNode[], timeoutMs = 60_000): Promise<void> {
  await sync.waitApplied(await masterOffsets(masters), timeoutMs);
}

export function endpointOf(x: RedisNode | RedisClusterHandle, mode: "standalone" | "cluster"): Endpoint {
  return parseRedisUri(x.uri, mode);
}

export async function compareSides(source: Endpoint, target: Endpoint, opts: { dbs?: number[]; dbMap?: Map<number, number>; ttlToleranceMs?: number; keyFilter?: { include: string[]; exclude: string[] } } = {}): Promise<CompareResult> {
  return compare({ source, target, mode: "full", rounds: 3, recheckDelayMs: 300, ...opts });
}

export function describeDiff(r: CompareResult): string {
  return `${r.missing} missing, ${r.extra} extra, ${r.different} different: ${JSON.stringify(r.samples.slice(0, 8))}`;
}
