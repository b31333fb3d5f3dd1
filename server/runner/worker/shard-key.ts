import { discoverTopology, masters } from "../../engine/topology";
import { formatAddress, type Endpoint } from "../../engine/endpoint";

/**
 * A shard of a task is one source master, named by what stays true when the master fails over: the
 * first slot it served when the task was laid out ("slot:N"; its replica serves the same slots after
 * a promotion). A standalone source is one shard, "node".
 */
export function shardKeyOf(node: { slots: Array<[number, number]> }): string {
  if (node.slots.length === 0) return "node";
  return `slot:${Math.min(...node.slots.map(([a]) => a))}`;
}

/** Whether a master (its slot ranges now) is the one a shard key names. */
export function servesShard(key: string, node: { slots: Array<[number, number]> }): boolean {
  if (key === "node") return node.slots.length === 0;
  const slot = Number(key.slice("slot:".length));
  return node.slots.some(([a, b]) => slot >= a && slot <= b);
}

/** The source's shards now, ordered by first slot (position 0 does the task-wide work). */
export async function discoverShards(source: Endpoint): Promise<Array<{ shard: string; source: string }>> {
  const t = await discoverTopology(source, { timeoutMs: 10_000 });
  if (t.mode !== "cluster") return t.nodes.slice(0, 1).map((n) => ({ shard: "node", source: formatAddress(n) }));
  return masters(t)
    .filter((m) => m.slots.length > 0)
    .map((m) => ({ shard: shardKeyOf(m), source: formatAddress(m), first: Math.min(...m.slots.map(([a]) => a)) }))
    .sort((a, b) => a.first - b.first)
    .map(({ shard, source }) => ({ shard, source }));
}
