import { addressOf } from "../../topology";
import { failed, passed, warning, type PrecheckItem } from "../types";
import { blockedReason, listSome, usableNodes, type PrecheckContext, type Side } from "../context";

function normalHost(host: string): string {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  return h === "localhost" || h === "::ffff:127.0.0.1" ? "127.0.0.1" : h;
}

function key(n: { host: string; port: number }): string {
  return addressOf({ host: normalHost(n.host), port: n.port });
}

/** Every address a side is known by: the one given and every node its topology lists. */
function addresses(side: Side): Set<string> {
  const out = new Set([key(side.endpoint)]);
  for (const n of side.nodes) out.add(key(n));
  return out;
}

/** Another running task already writes into this destination: a warning (one-to-many is fine, many-to-one collides). */
export function targetInUseItem(ctx: PrecheckContext): PrecheckItem {
  const id = "target_in_use";
  const mine = addresses(ctx.target);
  const others = (ctx.opts.otherTaskTargets ?? []).filter((t) => mine.has(key(t)));
  if (others.length > 0) {
    return warning(
      id,
      `the destination is already the destination of ${others.length === 1 ? "another running task" : `${others.length} other running tasks`}: ${listSome(others.map((t) => `'${t.taskName}' (${addressOf(t)})`))}; both write into the same keyspace`,
      "Use another destination, stop the other task, or make sure the tasks synchronize disjoint databases and keys.",
    );
  }
  if (ctx.opts.otherTaskTargets === undefined) return passed(id, "No other running task was given to compare with.");
  const count = ctx.opts.otherTaskTargets.length;
  if (count === 0) return passed(id, "No other task is running.");
  return passed(id, count === 1 ? "The other running task writes into another destination." : `None of the ${count} other running tasks writes into this destination.`);
}

/** Source and destination are not the same deployment: same server, same cluster, or one replicating the other. */
export function sameDeploymentItem(ctx: PrecheckContext): PrecheckItem {
  const id = "same_deployment";
  const fix = "Choose a destination that is a different Redis deployment from the source.";
  const src = addresses(ctx.source);
  const shared = [...addresses(ctx.target)].filter((a) => src.has(a));
  if (shared.length > 0) return failed(id, `source and destination are the same deployment: both include ${listSome(shared)}`, fix);
  const blocked = blockedReason(ctx.source) ?? blockedReason(ctx.target);
  if (blocked) return failed(id, blocked, "Fix the connectivity and authentication of both sides first.");
  const sNodes = usableNodes(ctx.source);
  const tNodes = usableNodes(ctx.target);
  for (const s of sNodes) {
    for (const t of tNodes) {
      const a = s.probe.info ?? {};
      const b = t.probe.info ?? {};
      if (a.run_id && a.run_id === b.run_id) {
        return failed(id, `source ${s.address} and destination ${t.address} are the same server (run_id ${a.run_id.slice(0, 12)}…): the address differs, the server does not`, fix);
      }
      const sid = s.topologyNode?.nodeId;
      if (sid && sid === t.topologyNode?.nodeId) {
        return failed(id, `source ${s.address} and destination ${t.address} are the same cluster node (node id ${sid.slice(0, 12)}…)`, fix);
      }
    }
  }
  const sourceIds = new Set(ctx.source.topology?.nodes.map((n) => n.nodeId).filter(Boolean));
  const sharedIds = (ctx.target.topology?.nodes ?? []).filter((n) => n.nodeId && sourceIds.has(n.nodeId));
  if (sharedIds.length > 0) {
    return failed(id, `source and destination are the same cluster: they share ${sharedIds.length} node ids (${listSome(sharedIds.map((n) => addressOf(n)))})`, fix);
  }
  const replids = new Set(sNodes.map((n) => n.probe.info?.master_replid).filter(Boolean));
  const linked = tNodes.filter((n) => n.probe.info?.master_replid && replids.has(n.probe.info.master_replid));
  if (linked.length > 0) {
    return failed(
      id,
      `the destination ${linked[0].address} belongs to the source's replication group (same master_replid ${linked[0].probe.info!.master_replid!.slice(0, 12)}…): one replicates the other`,
      `${fix} Writing into a replica of the source, or into the source's own master, would loop or be refused.`,
    );
  }
  return passed(id, `Source and destination are different deployments (different run ids${ctx.source.topology?.mode === "cluster" || ctx.target.topology?.mode === "cluster" ? ", cluster node ids" : ""} and replication ids).`);
}
