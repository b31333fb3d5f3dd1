import type { Redis } from "ioredis";

/** Whether a source node lets this account replicate, and how that was found out. */
export interface PsyncAccess {
  result: "allowed" | "denied" | "renamed" | "unknown";
  how: string;
}

function replyText(r: unknown): string {
  return r instanceof Error ? r.message : Buffer.isBuffer(r) ? r.toString() : String(r);
}

/** ACL DRYRUN (7.0+) answers OK, or a sentence saying why the user may not run the command. */
async function dryRun(c: Redis, user: string): Promise<PsyncAccess["result"] | Error> {
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
async function queuedCheck(c: Redis, args: string[]): Promise<PsyncAccess["result"]> {
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

/**
 * Checks, without replicating, whether `user` may run PSYNC and REPLCONF on the node `c` is connected
 * to (`major`: its Redis major version). A PSYNC renamed away with rename-command is unknown to
 * COMMAND INFO. Used by the precheck and by a task whose source reader is "auto".
 */
export async function psyncAccess(c: Redis, user: string, major: number, version = String(major)): Promise<PsyncAccess> {
  const v = (result: PsyncAccess["result"], how: string): PsyncAccess => ({ result, how });
  const info = await c.call("COMMAND", "INFO", "PSYNC").catch(() => undefined);
  if (Array.isArray(info) && info.length === 1 && info[0] === null) return v("renamed", "PSYNC is unknown to the server (renamed or disabled with rename-command)");
  if (major < 6) return v("allowed", `Redis ${version} has no ACL: the password grants every command`);
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
}

/** A refused PSYNC: renamed away or denied by the ACL ("unknown" is tried, not assumed refused). */
export function psyncRefused(a: PsyncAccess): boolean {
  return a.result === "renamed" || a.result === "denied";
}
