import { Redis } from "ioredis";
import { describeError } from "../../../errors";
import { ioredisOptions } from "../../ioredis-options";
import { OWN_KEY_PREFIX } from "../../own-keys";
import { NOTIFY_FIX, notificationsCover, parseKeyspaceChannel } from "../../source/scan/keyspace-watch";
import { failed, passed, warning, type PrecheckItem } from "../types";
import { blockedReason, credentialsOf, dataNodes, listSome, onNode, type CheckedNode, type PrecheckContext } from "../context";
import { scanReaderChosen } from "./psync";

type Outcome = { address: string; status: "on" | "enabled-by-task" | "off" | "unknown"; how: string };

/** how long a probe write waits for its own notification */
const PROBE_MS = 1500;

/**
 * On a node whose CONFIG is refused (renamed away, ACL): notifications are what the node does, so
 * write a short-lived key of the product's own and see whether its notification arrives.
 */
async function probeByWrite(ctx: PrecheckContext, node: CheckedNode): Promise<Outcome> {
  const address = node.address;
  const key = `${OWN_KEY_PREFIX}:notify-probe:${Date.now()}`;
  const sub = new Redis(ioredisOptions(credentialsOf(ctx.source, node), { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null }));
  sub.on("error", () => {});
  try {
    await sub.connect();
    const heard = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), PROBE_MS);
      sub.on("pmessageBuffer", (_p: Buffer, channel: Buffer) => {
        if (parseKeyspaceChannel(channel)?.key.toString() === key) {
          clearTimeout(timer);
          resolve(true);
        }
      });
    });
    await sub.psubscribe("__keyspace@*__:*");
    // a key of the product's own (own-keys.ts), gone within seconds even if the DEL below fails
    const wrote = await onNode(ctx, ctx.source, node, (c) => c.call("SET", key, "1", "PX", "5000")).then(
      () => null,
      (err: Error) => err.message,
    );
    if (wrote !== null) return { address, status: "unknown", how: `CONFIG is refused and a probe key could not be written (${wrote.slice(0, 120)})` };
    const notified = await heard;
    await onNode(ctx, ctx.source, node, (c) => c.call("DEL", key)).catch(() => {});
    return notified
      ? { address, status: "on", how: "CONFIG is refused, but a probe write was notified" }
      : { address, status: "off", how: "CONFIG is refused and a probe write sent no keyspace notification" };
  } catch (err) {
    return { address, status: "unknown", how: describeError(err) };
  } finally {
    sub.disconnect();
  }
}

async function checkNode(ctx: PrecheckContext, node: CheckedNode): Promise<Outcome> {
  const address = node.address;
  try {
    const flags = await onNode(ctx, ctx.source, node, async (c) => {
      const r = await c.call("CONFIG", "GET", "notify-keyspace-events").catch(() => null);
      return Array.isArray(r) && r.length >= 2 ? String(r[1]) : null;
    });
    if (flags === null) return probeByWrite(ctx, node);
    if (notificationsCover(flags)) return { address, status: "on", how: `notify-keyspace-events is "${flags}"` };
    // CONFIG GET answered: CONFIG SET is tried by the task (and its refusal is the task's error)
    const user = ctx.source.endpoint.username ?? "default";
    const may = await onNode(ctx, ctx.source, node, (c) => c.call("ACL", "DRYRUN", user, "CONFIG", "SET", "notify-keyspace-events", "KA").then(String, (e: Error) => e.message));
    if (may !== "OK" && !/unknown (sub)?command|ERR unknown/i.test(may) && !/^NOPERM/.test(may)) return { address, status: "off", how: `notify-keyspace-events is "${flags}" and ${may.slice(0, 120)}` };
    return { address, status: "enabled-by-task", how: `notify-keyspace-events is "${flags}"` };
  } catch (err) {
    return { address, status: "unknown", how: describeError(err) };
  }
}

/**
 * The scan reader follows writes by keyspace notifications: they must be on, or the task must be
 * able to turn them on (CONFIG SET, put back when it ends). Passed with nothing to check when the
 * task replicates with PSYNC.
 */
export async function notificationsItem(ctx: PrecheckContext): Promise<PrecheckItem> {
  const id = "source_notifications";
  const blocked = blockedReason(ctx.source);
  if (blocked) return failed(id, blocked, "Fix the source connectivity and authentication first.");
  const reader = await scanReaderChosen(ctx);
  if (!reader.chosen) return passed(id, `not needed: ${reader.why}`);
  const nodes = dataNodes(ctx.source);
  if (nodes.length === 0) return failed(id, "not checked because no source master could be queried", "Fix the source connectivity first.");
  const outcomes = await Promise.all(nodes.map((n) => checkNode(ctx, n)));
  const off = outcomes.filter((o) => o.status === "off");
  if (off.length > 0) {
    return failed(id, `the scan reader is used (${reader.why}), but the source sends no keyspace notifications: ${listSome(off.map((o) => `${o.address} (${o.how})`), 3)}; writes after the copy would not be followed`, `${NOTIFY_FIX.charAt(0).toUpperCase()}${NOTIFY_FIX.slice(1)}.`);
  }
  const unknown = outcomes.filter((o) => o.status === "unknown");
  if (unknown.length > 0) {
    return warning(id, `keyspace notifications could not be verified on ${listSome(unknown.map((o) => `${o.address} (${o.how})`), 3)}`, `Make sure yourself: ${NOTIFY_FIX}.`);
  }
  const byTask = outcomes.filter((o) => o.status === "enabled-by-task");
  if (byTask.length > 0) {
    return warning(
      id,
      `the scan reader is used (${reader.why}); the task turns keyspace notifications on (notify-keyspace-events KA added with CONFIG SET) on ${listSome(byTask.map((o) => `${o.address} (${o.how})`), 3)}, and sets the old value back when it stops`,
      "Nothing to do; or enable notify-keyspace-events KA on the source yourself to leave its configuration untouched by the task.",
    );
  }
  return passed(id, `the scan reader is used (${reader.why}) and every source master sends keyspace notifications (${outcomes[0]?.how ?? ""})`);
}
