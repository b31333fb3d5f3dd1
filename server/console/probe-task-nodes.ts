import "server-only";
import { gatherSide, type Side } from "@/server/engine/precheck/context";
import type { Endpoint } from "@/server/engine/endpoint";
import { DtsError } from "@/server/errors";
import { getEndpointCredentials } from "@/server/db/endpoint/get-endpoint-credentials";
import { findTasks } from "@/server/db/task/find-tasks";
import { RUNNING_STATES, isIn } from "@/contracts/task-state-machine";
import { localAddressToward } from "./local-address";
import type { NodeCheck, SideCheck, WhitelistCheck } from "@/contracts/whitelist-check.types";

const MODE_LABEL = { standalone: "Standalone", cluster: "Cluster" } as const;

async function checkSide(kind: "source" | "destination", endpoint: Endpoint): Promise<SideCheck> {
  const side: Side = await gatherSide(kind === "source" ? "source" : "target", endpoint, 3000);
  const actualMode = side.topology?.mode ?? (side.seed.server ? (side.seed.server.clusterEnabled ? "cluster" : "standalone") : null);
  const locals = await Promise.all(side.nodes.map((n) => (n.port > 0 ? localAddressToward(n.host, n.port) : Promise.resolve(null))));
  const nodes: NodeCheck[] = side.nodes.map((n, i) => ({
    address: n.address,
    role: n.role,
    ok: n.probe.status === "ok",
    // "127.0.0.1:7000 is Redis 7.0.15 (master, cluster)": the address is already in the row.
    message: n.probe.status === "ok" ? n.probe.message.replace(`${n.address} is `, "") : n.probe.message,
    localAddress: locals[i],
  }));
  const label = kind === "source" ? "Source" : "Destination";
  const problems: string[] = [];
  for (const n of nodes) if (!n.ok) problems.push(`${label} node ${n.address} (${n.role}) cannot be used: ${n.message}`);
  if (side.topologyError) problems.push(`${label}: the cluster layout could not be read from ${side.seed.address}: ${side.topologyError}`);
  if (actualMode && actualMode !== endpoint.mode) {
    problems.push(
      `${label} ${side.seed.address} is ${actualMode === "cluster" ? "a cluster node" : "not a cluster node"}, but Instance Mode is ${MODE_LABEL[endpoint.mode]}: go back and choose ${MODE_LABEL[actualMode]}.`,
    );
  }
  return {
    side: kind,
    chosenMode: endpoint.mode,
    actualMode,
    // The nodes that stop the synchronization first: a long cluster list must not hide them.
    nodes: [...nodes.filter((n) => !n.ok), ...nodes.filter((n) => n.ok)],
    localAddresses: [...new Set(locals.filter((a): a is string => Boolean(a)))],
    username: endpoint.username ?? null,
    problems,
  };
}

/**
 * The whitelist step: every node of both sides (a cluster's masters and replicas as the seed lists
 * them) probed with the stored credentials, and the local address each connection came from.
 */
export async function probeTaskNodes(taskId: string): Promise<WhitelistCheck> {
  const [source, target] = await Promise.all([getEndpointCredentials({ taskId, role: "source" }), getEndpointCredentials({ taskId, role: "destination" })]);
  if (!source?.host || !target?.host) throw new DtsError("INVALID_CONFIG", "Configure the source and destination instances first (step 1).");
  const [s, d, tasks] = await Promise.all([checkSide("source", source), checkSide("destination", target), findTasks({})]);
  const sharedDestination = tasks
    .filter((t) => t.id !== taskId && isIn(RUNNING_STATES, t.state) && t.destination?.host === target.host && t.destination.port === target.port)
    .map((t) => t.name);
  return { source: s, destination: d, blocking: [...s.problems, ...d.problems], sharedDestination, checkedAt: new Date().toISOString() };
}
