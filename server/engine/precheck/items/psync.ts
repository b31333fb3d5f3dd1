import { describeError } from "../../../errors";
import { majorMinor } from "../../topology";
import { psyncAccess, type PsyncAccess } from "../../source/psync-access";
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

/** Every source node accepts PSYNC and REPLCONF from this account (checked, not assumed). */
export async function psyncItem(ctx: PrecheckContext): Promise<PrecheckItem> {
  const id = "source_psync";
  const blocked = blockedReason(ctx.source);
  if (blocked) return failed(id, blocked, "Fix the source connectivity and authentication first.");
  const user = ctx.source.endpoint.username ?? "default";
  const grant = `ACL SETUSER ${user} +psync +replconf (and keep it in the ACL file or users.acl of every source node)`;
  const verdicts = await Promise.all(usableNodes(ctx.source).map((n) => checkNode(ctx, n)));
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
