import { describeError } from "../../../errors";
import { majorMinor } from "../../topology";
import { psyncAccess, psyncRefused, type PsyncAccess } from "../../source/psync-access";
import { failed, passed, warning, type PrecheckItem } from "../types";
import { blockedReason, listSome, onNode, usableNodes, plural, type CheckedNode, type PrecheckContext } from "../context";

type Verdict = PsyncAccess & { address: string };

async function checkNode(ctx: PrecheckContext, node: CheckedNode): Promise<Verdict> {
  const source = ctx.source;
  const user = source.endpoint.username ?? "default";
  const v = (result: Verdict["result"], how: string): Verdict => ({ address: node.address, result, how });
  try {
    return await onNode(ctx, source, node, async (c) => {
      const major = majorMinor(node.probe.server?.redisVersion)?.[0] ?? 0;
      return { address: node.address, ...(await psyncAccess(c, user, major, node.probe.server?.version)) };
    });
  } catch (err) {
    return v("unknown", describeError(err));
  }
}

const verdictsOf = new WeakMap<PrecheckContext, Promise<Verdict[]>>();

/** Each usable source node's PSYNC verdict, asked once per precheck (the notifications item needs it too). */
export function psyncVerdicts(ctx: PrecheckContext): Promise<Verdict[]> {
  let v = verdictsOf.get(ctx);
  if (!v) verdictsOf.set(ctx, (v = Promise.all(usableNodes(ctx.source).map((n) => checkNode(ctx, n)))));
  return v;
}

/** Whether the task will read its source with the scan reader (forced, or auto and a node refuses PSYNC). */
export async function scanReaderChosen(ctx: PrecheckContext): Promise<{ chosen: boolean; why: string }> {
  const mode = ctx.opts.sourceReader ?? "psync";
  if (mode === "scan") return { chosen: true, why: "the task is set to the scan reader" };
  if (mode === "psync") return { chosen: false, why: "the task reads its source by replication (PSYNC)" };
  const refused = (await psyncVerdicts(ctx)).find((v) => psyncRefused(v));
  return refused ? { chosen: true, why: `${refused.address} refuses PSYNC (${refused.how})` } : { chosen: false, why: "the source accepts PSYNC" };
}

const SCAN_EXPLAINED =
  "The scan reader copies every key with SCAN + DUMP + PTTL and then reads again each key its keyspace notifications name: best effort: verify before switching (no replication log, so a FLUSHALL or a lost notification is found only by Data Verification, and a restart copies everything again).";

/** Every source node accepts PSYNC and REPLCONF from this account (checked, not assumed). */
export async function psyncItem(ctx: PrecheckContext): Promise<PrecheckItem> {
  const id = "source_psync";
  const blocked = blockedReason(ctx.source);
  if (blocked) return failed(id, blocked, "Fix the source connectivity and authentication first.");
  const item = await replicationItem(ctx);
  const mode = ctx.opts.sourceReader ?? "psync";
  if (mode === "scan") {
    return warning(id, `PSYNC is not used: the task is set to the scan reader. ${item.status === "passed" ? "The source would accept PSYNC." : item.message} ${SCAN_EXPLAINED}`, "Choose the replication reader (--source-reader psync or auto) when the source accepts PSYNC: it follows every write exactly and resumes after a restart.");
  }
  if (mode === "auto" && item.status === "failed" && (await scanReaderChosen(ctx)).chosen) {
    return warning(id, `PSYNC is not used because the source refuses it: ${item.message}. ${SCAN_EXPLAINED}`, `To replicate instead (exact, resumable): ${item.fix}`);
  }
  if (mode === "psync" && item.status === "failed" && (await psyncVerdicts(ctx)).some((v) => psyncRefused(v))) {
    return { ...item, fix: `${item.fix} Or, when this source cannot allow it (a managed service), use the scan reader: tick "Use the scan reader when the source refuses PSYNC" (CLI: --source-reader auto); it is best effort: verify before switching.` };
  }
  return item;
}

async function replicationItem(ctx: PrecheckContext): Promise<PrecheckItem> {
  const id = "source_psync";
  const user = ctx.source.endpoint.username ?? "default";
  const grant = `ACL SETUSER ${user} +psync +replconf (and keep it in the ACL file or users.acl of every source node)`;
  const verdicts = await psyncVerdicts(ctx);
  const renamed = verdicts.filter((v) => v.result === "renamed");
  if (renamed.length > 0) {
    return failed(id, `${listSome(renamed.map((v) => v.address))}: ${renamed[0].how}`, "Remove the rename-command PSYNC line from redis.conf on every source node and restart it.");
  }
  const denied = verdicts.filter((v) => v.result === "denied");
  if (denied.length > 0) {
    return failed(id, `${denied.length === 1 ? "a source node refuses" : `${denied.length} source nodes refuse`} replication to this account: ${listSome(denied.map((v) => `${v.address} (${v.how})`), 3)}`, `Grant the permission on every source node: ${grant}`);
  }
  const unknown = verdicts.filter((v) => v.result === "unknown");
  if (unknown.length > 0) {
    return warning(
      id,
      `PSYNC permission could not be verified on ${listSome(unknown.map((v) => `${v.address} (${v.how})`), 3)}`,
      `Let the account run ACL DRYRUN (ACL SETUSER ${user} +acl|dryrun) so the precheck can verify, or make sure yourself: ${grant}`,
    );
  }
  return passed(id, `${verdicts.length === 1 ? "The source node accepts" : `All ${verdicts.length} source nodes accept`} PSYNC and REPLCONF for user '${user}' (${verdicts[0]?.how ?? "no node"}).`);
}
