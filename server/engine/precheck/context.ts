import type { Redis } from "ioredis";
import type { Endpoint } from "../endpoint";
import { probeNode, discoverTopology, withControl, addressOf, keyspaceCounts, type NodeProbe, type Topology, type TopologyNode } from "../topology";
import { ownKeysPerDb } from "../keys/count-own-keys";
import { describeError } from "../../errors";
import type { PrecheckOptions } from "./types";

/** One node of a side with what probing it found. */
export interface CheckedNode {
  host: string;
  port: number;
  address: string;
  role: "master" | "replica";
  /** from the topology (cluster) or the probe (standalone) */
  topologyNode?: TopologyNode;
  probe: NodeProbe;
  /** redis-dts's own keys per database (data nodes only, see `countOwnKeysOf`): not data */
  ownKeys?: Map<number, number>;
}

/** What the precheck knows about one side before any item runs. */
export interface Side {
  kind: "source" | "target";
  /** "source" / "destination", for messages */
  label: string;
  endpoint: Endpoint;
  seed: NodeProbe;
  topology?: Topology;
  /** why the topology could not be read although the seed answered */
  topologyError?: string;
  /** every node: the seed first, then the others the topology lists */
  nodes: CheckedNode[];
}

export interface PrecheckContext {
  opts: PrecheckOptions;
  timeoutMs: number;
  source: Side;
  target: Side;
}

function roleOf(probe: NodeProbe): "master" | "replica" {
  return probe.server?.role ?? "master";
}

export async function gatherSide(kind: Side["kind"], endpoint: Endpoint, timeoutMs: number): Promise<Side> {
  const label = kind === "source" ? "source" : "destination";
  const seed = await probeNode(endpoint, { timeoutMs });
  const side: Side = { kind, label, endpoint, seed, nodes: [{ host: endpoint.host, port: endpoint.port, address: seed.address, role: roleOf(seed), probe: seed }] };
  if (seed.status !== "ok") return side;
  try {
    side.topology = await discoverTopology(endpoint, { timeoutMs });
  } catch (err) {
    side.topologyError = describeError(err);
    return side;
  }
  const seedAddress = seed.address;
  const seedNode = side.topology.nodes.find((n) => addressOf(n) === seedAddress);
  if (seedNode) side.nodes[0] = { ...side.nodes[0], role: seedNode.role, topologyNode: seedNode };
  const others = side.topology.nodes.filter((n) => addressOf(n) !== seedAddress);
  const probes = await Promise.all(others.map((n) => (n.port === 0 ? Promise.resolve(noAddress(n)) : probeNode(credentialsOf(side, n), { timeoutMs }))));
  others.forEach((n, i) => side.nodes.push({ host: n.host, port: n.port, address: probes[i].address, role: n.role, topologyNode: n, probe: probes[i] }));
  return side;
}

/**
 * Finds the product's own keys (heartbeats, fences of earlier tasks) on a side's data nodes, so key
 * counts and the conflict check see data only. A node that cannot be scanned keeps its INFO counts.
 */
export async function countOwnKeysOf(side: Side, timeoutMs: number): Promise<void> {
  await Promise.all(
    dataNodes(side).map(async (n) => {
      const keyspace = keyspaceCounts(n.probe.info ?? {});
      if (keyspace.size === 0) return;
      try {
        n.ownKeys = await withControl(credentialsOf(side, n), { timeoutMs }, (c) => ownKeysPerDb((cmd, ...args) => c.call(cmd, ...args), keyspace));
      } catch {
        // counted as data: a precheck item on this node's connectivity or permissions says why
      }
    }),
  );
}

/** A node the cluster lists without an address (flag noaddr) cannot be probed: say so. */
function noAddress(n: TopologyNode): NodeProbe {
  const address = `${n.nodeId?.slice(0, 8) ?? "?"}…`;
  const message = `cluster node ${address} has no known address (flags ${n.flags.join(",")}): the cluster itself cannot reach it`;
  return { host: n.host, port: n.port, address, status: "error", message, reachable: false, isRedis: false, authOk: false };
}

/** Nodes that answered as Redis and accepted the credentials. */
export function usableNodes(side: Side): CheckedNode[] {
  return side.nodes.filter((n) => n.probe.status === "ok");
}

/**
 * The nodes a sync reads from (source) or writes to (destination): cluster masters that own slots,
 * or the one standalone node. Only usable ones.
 */
export function dataNodes(side: Side): CheckedNode[] {
  const usable = usableNodes(side);
  if (side.topology?.mode !== "cluster") return usable.filter((n) => n === side.nodes[0]);
  return usable.filter((n) => n.role === "master" && (n.topologyNode?.slots.length ?? 0) > 0);
}

/** Why items that need this side cannot run, or undefined when they can. */
export function blockedReason(side: Side): string | undefined {
  if (side.seed.status === "ok") return undefined;
  if (side.seed.status === "auth_failed") return `not checked because authentication failed on the ${side.label} (${side.seed.message})`;
  return `not checked because the ${side.label} could not be reached (${side.seed.message})`;
}

export function credentialsOf(side: Side, node: { host: string; port: number }) {
  return { host: node.host, port: node.port, username: side.endpoint.username, password: side.endpoint.password, tls: side.endpoint.tls };
}

/** Runs fn on a control connection to one node of a side. */
export function onNode<T>(ctx: PrecheckContext, side: Side, node: { host: string; port: number }, fn: (client: Redis) => Promise<T>): Promise<T> {
  return withControl(credentialsOf(side, node), { timeoutMs: ctx.timeoutMs }, fn);
}

/** "a, b, c and 4 more": lists stay readable whatever a deployment's size. */
export function listSome(items: string[], max = 5): string {
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}

export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${groupThousands(n)} ${n === 1 ? one : many}`;
}

/**
 * 1234567 -> "1,234,567" (what toLocaleString("en-US") prints for integers), without Intl: its first
 * call loads ICU's locale data, ~12 ms of every engine start's precheck.
 */
export function groupThousands(n: number): string {
  if (!Number.isInteger(n)) return String(n);
  const digits = String(Math.abs(n));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}
