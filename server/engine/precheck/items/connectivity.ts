import { failed, passed, warning, type PrecheckItem } from "../types";
import { listSome, plural, type CheckedNode, type Side } from "../context";

const UNREACHABLE = new Set(["refused", "timeout", "silent", "closed", "unresolved", "not_redis", "error", "tls"]);

function describe(n: CheckedNode): string {
  return `${n.address} (${n.role}): ${n.probe.message}`;
}

function counts(side: Side): string {
  const masters = side.nodes.filter((n) => n.role === "master").length;
  const replicas = side.nodes.length - masters;
  return `${plural(side.nodes.length, "node")} (${plural(masters, "master")}, ${plural(replicas, "replica")})`;
}

/** Every node answers as Redis within the timeout; a port speaking something else is named. */
export function connectivityItem(side: Side, timeoutMs: number): PrecheckItem {
  const id = side.kind === "source" ? "source_connectivity" : "target_connectivity";
  const bad = side.nodes.filter((n) => UNREACHABLE.has(n.probe.status) && !(n.probe.status === "error" && n.probe.authOk));
  const fixBase = `Check the ${side.label} host and port, that redis-server runs there, and that firewalls let this machine connect (timeout ${timeoutMs} ms).`;
  if (bad.includes(side.nodes[0])) {
    const httpHint = side.seed.speaks === "http" ? " The port answers HTTP: it is probably a web console or proxy, not the Redis port." : "";
    return failed(id, describe(side.nodes[0]), `${fixBase}${httpHint}`);
  }
  if (side.topologyError) {
    return failed(id, `${side.seed.address} answers, but its topology could not be read: ${side.topologyError}`, `Give the ${side.label} account permission to run INFO and CLUSTER NODES.`);
  }
  const badMasters = bad.filter((n) => n.role === "master");
  if (badMasters.length > 0) {
    return failed(
      id,
      `${plural(badMasters.length, "master")} of ${side.nodes.length} nodes cannot be reached: ${listSome(badMasters.map(describe), 3)}`,
      `${fixBase} Every master announced in CLUSTER NODES must be reachable from this machine at the address it announces.`,
    );
  }
  if (bad.length > 0) {
    return warning(
      id,
      `${plural(bad.length, "replica")} of ${side.nodes.length} nodes cannot be reached: ${listSome(bad.map(describe), 3)}. The synchronization works, but cannot follow a failover to ${bad.length === 1 ? "it" : "them"}.`,
      `${fixBase} Replicas announced in CLUSTER NODES must be reachable at the address they announce.`,
    );
  }
  const whom = side.topology?.mode === "cluster" ? `All ${counts(side)} of the ${side.label} cluster` : `The ${side.label} ${side.seed.address}`;
  return passed(id, `${whom} answered as Redis within ${timeoutMs} ms.`);
}

/** The credentials work on every node; on a source cluster, the same password on all of them. */
export function authItem(side: Side): PrecheckItem {
  const id = side.kind === "source" ? "source_auth" : "target_auth";
  const who = side.endpoint.username ? `user '${side.endpoint.username}'` : "the default user";
  const fix = `Give the ${side.label} password in the task (a plain password, or <user>:<password> for an ACL user), and make sure ${who} exists and is enabled (ACL SETUSER ... on >password).`;
  const reachable = side.nodes.filter((n) => n.probe.isRedis);
  if (reachable.length === 0) return failed(id, `not checked because the ${side.label} could not be reached (${side.seed.message})`, `Fix the ${side.label} connectivity first.`);
  const refused = reachable.filter((n) => n.probe.status === "auth_failed");
  const noInfo = reachable.filter((n) => n.probe.status === "error" && n.probe.authOk);
  const accepted = reachable.filter((n) => n.probe.authOk);
  if (refused.length > 0 && accepted.length > 0) {
    const shared = side.kind === "source" ? " All nodes of a source cluster must share one password." : "";
    return failed(
      id,
      `the credentials work on ${accepted.length} of ${reachable.length} nodes but are refused by ${listSome(refused.map((n) => n.address))}.${shared}`,
      `Set the same password (requirepass / ACL user) on every ${side.label} node: ${listSome(refused.map((n) => n.address))}.`,
    );
  }
  if (refused.length > 0) return failed(id, refused[0].probe.message, fix);
  if (noInfo.length > 0) {
    return failed(id, `${noInfo[0].probe.message}; the synchronization needs INFO on every node`, `Grant ${who} the INFO command on the ${side.label}: ACL SETUSER ${side.endpoint.username ?? "default"} +info`);
  }
  const skipped = side.nodes.length - reachable.length;
  const note = skipped > 0 ? ` (${plural(skipped, "node")} not checked: unreachable)` : "";
  return passed(id, `${who} authenticated on ${plural(accepted.length, "node")} of the ${side.label}${note}.`);
}
