import type { Redis } from "ioredis";
import { describeError } from "../../../errors";
import { majorMinor } from "../../topology";
import { failed, passed, warning, type PrecheckItem } from "../types";
import { blockedReason, listSome, onNode, usableNodes, plural, type CheckedNode, type PrecheckContext } from "../context";

type Verdict = { address: string; result: "allowed" | "denied" | "renamed" | "unknown"; how: string };

function replyText(r: unknown): string {
  return r instanceof Error ? r.message : Buffer.isBuffer(r) ? r.toString() : String(r);
}

/** ACL DRYRUN (7.0+) answers OK, or a sentence saying why the user may not run the command. */
async function dryRun(c: Redis, user: string): Promise<Verdict["result"] | Error> {
  try {
    const psync = replyText(await c.call("ACL", "DRYRUN", user, "PSYNC", "?", "-1"));
    const replconf = replyText(await c.call("ACL", "DRYRUN", user, "REPLCONF", "listening-port", "0"));
    return psync === "OK" && replconf === "OK" ? "allowed" : "denied";
  } catch (err) {
    return err as Error;
  }
}

/**
 * Before 7.0 there is no ACL DRYRUN, but the ACL check runs when a command is queued inside MULTI:
 * NOPERM there means denied, QUEUED means allowed. The transaction is always discarded, so nothing
 * runs. (7.0 refuses PSYNC inside MULTI before checking the ACL, so this says nothing there.)
 */
async function queuedCheck(c: Redis, args: string[]): Promise<Verdict["result"]> {
  await c.call("MULTI");
  try {
    const reply = await c.call(args[0], ...args.slice(1)).catch((e: Error) => e);
    const text = replyText(reply);
    if (/^NOPERM/.test(text)) return "denied";
    return text === "QUEUED" ? "allowed" : "unknown";
  } finally {
    await c.call("DISCARD").catch(() => {});
  }
}

async function checkNode(ctx: PrecheckContext, node: CheckedNode): Promise<Verdict> {
  const source = ctx.source;
  const user = source.endpoint.username ?? "default";
  const v = (result: Verdict["result"], how: string): Verdict => ({ address: node.address, result, how });
  try {
    return await onNode(ctx, source, node, async (c) => {
      const info = await c.call("COMMAND", "INFO", "PSYNC").catch(() => undefined);
      if (Array.isArray(info) && info.length === 1 && info[0] === null) return v("renamed", "PSYNC is unknown to the server (renamed or disabled with rename-command)");
      const major = majorMinor(node.probe.server?.redisVersion)?.[0] ?? 0;
      if (major < 6) return v("allowed", `Redis ${node.probe.server?.version} has no ACL: the password grants every command`);
      if (major >= 7) {
        const dry = await dryRun(c, user);
        if (!(dry instanceof Error)) return v(dry, dry === "allowed" ? "ACL DRYRUN allows PSYNC and REPLCONF" : `ACL DRYRUN: user '${user}' may not run PSYNC or REPLCONF`);
        if (!/^NOPERM/.test(dry.message)) return v("unknown", `ACL DRYRUN failed: ${dry.message.slice(0, 120)}`);
        const replconf = await queuedCheck(c, ["REPLCONF", "listening-port", "0"]);
        if (replconf === "denied") return v("denied", `user '${user}' may not run REPLCONF`);
        return v("unknown", `user '${user}' may not run ACL DRYRUN, so PSYNC permission cannot be verified`);
      }
      const psync = await queuedCheck(c, ["PSYNC", "?", "-1"]);
      const replconf = await queuedCheck(c, ["REPLCONF", "listening-port", "0"]);
      if (psync === "denied" || replconf === "denied") return v("denied", `user '${user}' may not run ${psync === "denied" ? "PSYNC" : "REPLCONF"}`);
      if (psync === "unknown" || replconf === "unknown") return v("unknown", "the server's answer inside MULTI did not tell");
      return v("allowed", "PSYNC and REPLCONF pass the ACL check");
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
