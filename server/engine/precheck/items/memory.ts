import { infoNumber } from "../../topology";
import { failed, passed, warning, type PrecheckItem } from "../types";
import { blockedReason, dataNodes, formatBytes, listSome, onNode, type CheckedNode, type PrecheckContext, type Side } from "../context";

/** Below this margin over the source's size the destination fills up on the first growth spurt. */
const HEADROOM = 1.2;

/** INFO memory figure, or CONFIG GET for servers whose INFO lacks it (maxmemory before 3.2). */
async function setting(ctx: PrecheckContext, side: Side, node: CheckedNode, infoField: string, configName: string): Promise<string | undefined> {
  const fromInfo = node.probe.info?.[infoField];
  if (fromInfo !== undefined) return fromInfo;
  try {
    const reply = await onNode(ctx, side, node, (c) => c.call("CONFIG", "GET", configName));
    return Array.isArray(reply) && reply.length >= 2 ? String(reply[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The source's data: used_memory_dataset (4.0+) or used_memory, summed over its masters. */
function sourceDataSize(source: Side): number {
  let total = 0;
  for (const n of dataNodes(source)) {
    const info = n.probe.info ?? {};
    total += infoNumber(info, "used_memory_dataset") ?? infoNumber(info, "used_memory") ?? 0;
  }
  return total;
}

/** Available memory (maxmemory minus used) on the destination exceeds the source's data. */
export async function capacityItem(ctx: PrecheckContext): Promise<PrecheckItem> {
  const id = "target_capacity";
  const blocked = blockedReason(ctx.target) ?? blockedReason(ctx.source);
  if (blocked) return failed(id, blocked, "Fix the connectivity and authentication of both sides first.");
  const need = sourceDataSize(ctx.source);
  const nodes = dataNodes(ctx.target);
  const figures = await Promise.all(
    nodes.map(async (n) => {
      const max = Number((await setting(ctx, ctx.target, n, "maxmemory", "maxmemory")) ?? "0") || 0;
      const used = infoNumber(n.probe.info ?? {}, "used_memory") ?? 0;
      return { address: n.address, max, used, free: max > 0 ? Math.max(0, max - used) : Infinity };
    }),
  );
  const sourceText = `the source holds ${formatBytes(need)} of data`;
  if (figures.length === 0) return failed(id, "not checked because no destination master could be queried", "Fix the destination connectivity first.");
  if (figures.every((f) => f.max === 0)) {
    const used = figures.reduce((s, f) => s + f.used, 0);
    return passed(id, `The destination has no maxmemory limit (it uses ${formatBytes(used)}; ${sourceText}): it may grow until the machine's memory is used up.`);
  }
  const share = need / figures.length;
  const describe = (f: (typeof figures)[number]) =>
    f.max > 0 ? `${f.address}: ${formatBytes(f.free)} free (maxmemory ${formatBytes(f.max)} − used ${formatBytes(f.used)})` : `${f.address}: no maxmemory`;
  const perNode = figures.length > 1 ? ` (about ${formatBytes(share)} per master)` : "";
  const short = figures.filter((f) => f.free < share);
  const fix = "Raise maxmemory on the destination (CONFIG SET maxmemory and in redis.conf), free memory there, or add masters to the destination cluster.";
  if (short.length > 0) return failed(id, `${sourceText}${perNode}, more than the destination can take: ${listSome(short.map(describe), 3)}`, fix);
  const tight = figures.filter((f) => f.free < share * HEADROOM);
  if (tight.length > 0) return warning(id, `${sourceText}${perNode}; the destination has less than ${Math.round((HEADROOM - 1) * 100)}% to spare: ${listSome(tight.map(describe), 3)}`, fix);
  return passed(id, `${sourceText}${perNode}; the destination has room: ${listSome(figures.map(describe), 3)}.`);
}

/** `noeviction` on every destination master; any other policy may drop synchronized keys. */
export async function evictionItem(ctx: PrecheckContext): Promise<PrecheckItem> {
  const id = "target_eviction";
  const blocked = blockedReason(ctx.target);
  if (blocked) return failed(id, blocked, "Fix the destination connectivity and authentication first.");
  const nodes = dataNodes(ctx.target);
  const policies = await Promise.all(nodes.map(async (n) => ({ address: n.address, policy: await setting(ctx, ctx.target, n, "maxmemory_policy", "maxmemory-policy") })));
  const unknown = policies.filter((p) => p.policy === undefined);
  const evicting = policies.filter((p) => p.policy !== undefined && p.policy !== "noeviction");
  const fix = "Set the destination's eviction policy to noeviction: CONFIG SET maxmemory-policy noeviction (and maxmemory-policy noeviction in redis.conf).";
  if (evicting.length > 0) {
    return warning(id, `the eviction policy (maxmemory-policy) is ${listSome(evicting.map((p) => `${p.policy} on ${p.address}`), 3)}: when memory runs out the destination evicts keys, and source and destination become inconsistent`, fix);
  }
  if (unknown.length > 0) {
    return warning(id, `the eviction policy of ${listSome(unknown.map((p) => p.address))} could not be read (the account may not run CONFIG GET)`, `Check it yourself: it should be noeviction. ${fix}`);
  }
  return passed(id, `the eviction policy (maxmemory-policy) is noeviction on ${policies.length === 1 ? "the destination" : `all ${policies.length} destination masters`}.`);
}
