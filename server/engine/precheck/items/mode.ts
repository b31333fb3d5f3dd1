import { SLOT_COUNT, addressOf, type Topology } from "../../topology";
import { failed, passed, warning, type PrecheckItem } from "../types";
import { blockedReason, listSome, type Side } from "../context";

const MODE_NAME = { standalone: "Standalone", cluster: "Cluster" } as const;

/** "0-99, 200, 5000-5460": the slots no healthy master serves, as ranges. */
export function uncoveredRanges(t: Topology): string[] {
  const covered = new Uint8Array(SLOT_COUNT);
  for (const n of t.nodes) {
    if (n.role !== "master" || n.failed) continue;
    for (const [a, b] of n.slots) covered.fill(1, a, b + 1);
  }
  const out: string[] = [];
  for (let s = 0; s < SLOT_COUNT; s++) {
    if (covered[s]) continue;
    let e = s;
    while (e + 1 < SLOT_COUNT && !covered[e + 1]) e++;
    out.push(s === e ? `${s}` : `${s}-${e}`);
    s = e;
  }
  return out;
}

/** What the operator chose is what the server is; a cluster is healthy; a destination is writable. */
export function modeItem(side: Side): PrecheckItem {
  const id = side.kind === "source" ? "source_mode" : "target_mode";
  const blocked = blockedReason(side);
  if (blocked) return failed(id, blocked, `Fix the ${side.label} connectivity and authentication first.`);
  const t = side.topology;
  if (!t) return failed(id, `not checked because the ${side.label} topology could not be read (${side.topologyError})`, `Give the ${side.label} account permission to run INFO and CLUSTER NODES.`);
  const chosen = side.endpoint.mode;
  const where = side.seed.address;
  if (chosen !== t.mode) {
    const is = t.mode === "cluster" ? "a cluster node (cluster_enabled:1)" : "not a cluster node (cluster_enabled:0)";
    return failed(id, `Instance Mode ${MODE_NAME[chosen]} was chosen for the ${side.label}, but ${where} is ${is}`, `Choose Instance Mode ${MODE_NAME[t.mode]} for the ${side.label} (CLI: --${side.kind}-mode ${t.mode}).`);
  }
  if (t.mode === "standalone") {
    const role = side.nodes[0].role;
    if (side.kind === "target" && role === "replica") {
      const master = side.seed.info?.master_host ? ` of ${side.seed.info.master_host}:${side.seed.info.master_port}` : "";
      return failed(id, `the destination ${where} is a read-only replica${master}: it refuses writes`, "Use the destination's master (or run REPLICAOF NO ONE on it if it should stand alone).");
    }
    const note = role === "replica" ? ", a replica: the synchronization reads from it as it would from the master" : "";
    return passed(id, `The ${side.label} ${where} is a standalone instance, as chosen${note}.`);
  }
  const masters = t.nodes.filter((n) => n.role === "master" && n.slots.length > 0).length;
  if (t.clusterState !== "ok" || t.slotsCovered < SLOT_COUNT) {
    const gaps = uncoveredRanges(t);
    const slots = t.slotsCovered < SLOT_COUNT ? `; ${t.slotsCovered} of ${SLOT_COUNT} slots are covered (not covered: ${listSome(gaps, 8)})` : "";
    return failed(
      id,
      `the ${side.label} cluster is not healthy: cluster_state:${t.clusterState ?? "unknown"}${slots}`,
      "Assign every slot to a running master (redis-cli --cluster fix <host:port>, or CLUSTER ADDSLOTS) and wait for cluster_state:ok.",
    );
  }
  const failing = t.nodes.filter((n) => n.failed || n.flags.includes("fail?") || n.flags.includes("handshake") || n.flags.includes("noaddr"));
  if (failing.length > 0) {
    return warning(
      id,
      `the ${side.label} cluster is serving (cluster_state:ok, all ${SLOT_COUNT} slots covered) but nodes are flagged: ${listSome(failing.map((n) => `${addressOf(n)} ${n.flags.filter((f) => f !== "master" && f !== "slave").join(",")}`))}`,
      "Repair or remove the flagged nodes (CLUSTER FORGET for nodes that are gone) before synchronizing.",
    );
  }
  return passed(id, `The ${side.label} is a healthy cluster, as chosen: cluster_state:ok, all ${SLOT_COUNT} slots covered by ${masters} masters, ${t.nodes.length - masters} other nodes.`);
}
