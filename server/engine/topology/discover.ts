import { withControl, addressOf, DEFAULT_TIMEOUT_MS, type NodeTarget, type ControlOptions } from "./control";
import { parseInfo, type InfoFields } from "./info";
import { parseClusterNodes, countSlots, SLOT_COUNT, type ClusterNodeLine } from "./cluster-nodes";
import { identify } from "./probe";

/**
 * The shape of a deployment as its seed node describes it.
 *
 * - standalone: one node (the seed), `slots: [[0, 16383]]`, `slotsCovered: 16384`: it serves every key.
 * - cluster: every node CLUSTER NODES lists. Masters carry their slot ranges; replicas carry
 *   `masterId` and no slots. One replication stream per master that owns slots is what a sync needs:
 *   `masters(topology)`; a master's replicas are `replicasOf(topology, master)`.
 */
export interface Topology {
  mode: "standalone" | "cluster";
  seed: { host: string; port: number };
  nodes: TopologyNode[];
  /** distinct slots owned by masters not flagged `fail` (standalone: 16384) */
  slotsCovered: number;
  /** `cluster_state` from CLUSTER INFO (cluster only), e.g. "ok" or "fail" */
  clusterState?: string;
  /** INFO of the seed node (default sections) */
  seedInfo: InfoFields;
}

export interface TopologyNode {
  /** where to connect: the announced address, or the seed's host where the announced one is unusable */
  host: string;
  port: number;
  role: "master" | "replica";
  /** cluster node id (cluster only) */
  nodeId?: string;
  /** the node id of this replica's master (cluster replicas only) */
  masterId?: string;
  /** inclusive slot ranges this master serves */
  slots: [number, number][];
  /** cluster flags as sent (myself, master, slave, fail, fail?, handshake, noaddr, ...) */
  flags: string[];
  /** the address the node announced when `host` was rewritten ("" or a loopback address) */
  announcedHost?: string;
  /** true when the cluster marks the node failed (`fail`; `fail?` is only suspected) */
  failed: boolean;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/**
 * A node that announces no address, or a loopback address while we reached the seed by another
 * address, is on the seed's host as far as we can tell (a cluster started on one machine and
 * reached from outside, or a node that never learned its own IP): connect there instead.
 */
function reachableHost(announced: string, seedHost: string): string | undefined {
  if (announced === "") return seedHost;
  if (LOOPBACK.has(announced) && !LOOPBACK.has(seedHost)) return seedHost;
  return undefined;
}

function toNode(line: ClusterNodeLine, seed: NodeTarget): TopologyNode {
  const myself = line.flags.includes("myself");
  const rewritten = myself ? seed.host : reachableHost(line.host, seed.host);
  const host = rewritten ?? line.host;
  return {
    host,
    port: myself ? seed.port : line.port,
    role: line.role,
    nodeId: line.nodeId,
    ...(line.masterId ? { masterId: line.masterId } : {}),
    slots: line.role === "master" ? line.slots : [],
    flags: line.flags,
    ...(host !== line.host ? { announcedHost: line.host } : {}),
    failed: line.flags.includes("fail"),
  };
}

/**
 * Asks the seed what the deployment is. Throws DtsError (CONNECT_FAILED, TIMEOUT, AUTH_FAILED,
 * PROTOCOL_ERROR) when the seed cannot tell; the caller decides what a failure means.
 */
export async function discoverTopology(seed: NodeTarget, opts: ControlOptions = {}): Promise<Topology> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return withControl(seed, { timeoutMs }, async (client) => {
    const seedInfo = parseInfo(String(await client.call("INFO")));
    const where = { host: seed.host, port: seed.port };
    if (!identify(seedInfo).clusterEnabled) {
      const role = identify(seedInfo).role;
      return { mode: "standalone", seed: where, nodes: [{ ...where, role, slots: [[0, SLOT_COUNT - 1]], flags: [], failed: false }], slotsCovered: SLOT_COUNT, seedInfo };
    }
    const nodes = parseClusterNodes(String(await client.call("CLUSTER", "NODES"))).map((l) => toNode(l, seed));
    const clusterInfo = parseInfo(String(await client.call("CLUSTER", "INFO")));
    const slotsCovered = countSlots(nodes.filter((n) => n.role === "master" && !n.failed).flatMap((n) => n.slots));
    return { mode: "cluster", seed: where, nodes, slotsCovered, clusterState: clusterInfo.cluster_state, seedInfo };
  });
}

/** Masters that own slots: one replication stream each. */
export function masters(t: Topology): TopologyNode[] {
  return t.nodes.filter((n) => n.role === "master" && n.slots.length > 0);
}

export function replicasOf(t: Topology, master: TopologyNode): TopologyNode[] {
  return master.nodeId ? t.nodes.filter((n) => n.role === "replica" && n.masterId === master.nodeId) : [];
}

export function describeNode(n: TopologyNode): string {
  return `${addressOf(n)} (${n.role}${n.nodeId ? ` ${n.nodeId.slice(0, 8)}` : ""})`;
}
