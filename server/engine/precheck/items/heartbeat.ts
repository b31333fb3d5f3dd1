import { describeError } from "../../../errors";
import { OWN_KEY_PREFIX, heartbeatKey } from "../../own-keys";
import { majorMinor } from "../../topology";
import { failed, passed, warning, type PrecheckItem } from "../types";
import { blockedReason, dataNodes, listSome, onNode, type CheckedNode, type PrecheckContext } from "../context";
import { selectedDbs } from "./databases";

const HEARTBEAT_PREFIX = OWN_KEY_PREFIX;

type Outcome = { address: string; ok: boolean; how: string };

async function checkNode(ctx: PrecheckContext, node: CheckedNode, db: number): Promise<Outcome> {
  const address = node.address;
  if (node.role === "replica") return { address, ok: false, how: "it is a read-only replica" };
  const user = ctx.source.endpoint.username ?? "default";
  const key = heartbeatKey(ctx.opts.taskId ?? "precheck", node.topologyNode?.slots ?? []);
  try {
    return await onNode(ctx, ctx.source, node, async (c) => {
      if ((majorMinor(node.probe.server?.redisVersion)?.[0] ?? 0) >= 7) {
        const dry = await c.call("ACL", "DRYRUN", user, "SET", key, String(Date.now()), "PX", "10000").catch((e: Error) => e);
        if (!(dry instanceof Error)) {
          const text = String(dry);
          return { address, ok: text === "OK", how: text === "OK" ? "ACL DRYRUN allows SET of the heartbeat key" : text };
        }
        if (!/^NOPERM/.test(dry.message)) return { address, ok: false, how: dry.message.slice(0, 160) };
      }
      // No ACL DRYRUN here: write the key for real, with a short TTL, as the task would.
      try {
        if (db !== 0) await c.call("SELECT", String(db));
        await c.call("SET", key, String(Date.now()), "PX", "10000");
        await c.call("DEL", key).catch(() => {});
        return { address, ok: true, how: `SET ${key} succeeded` };
      } catch (err) {
        const m = (err as Error).message;
        return { address, ok: false, how: /^READONLY/.test(m) ? "it is a read-only replica" : m.slice(0, 160) };
      }
    });
  } catch (err) {
    return { address, ok: false, how: describeError(err) };
  }
}

/** The account may write the heartbeat key on every source master; if not, latency comes from offsets. */
export async function heartbeatItem(ctx: PrecheckContext): Promise<PrecheckItem> {
  const id = "heartbeat";
  const blocked = blockedReason(ctx.source);
  if (blocked) return failed(id, blocked, "Fix the source connectivity and authentication first.");
  const db = ctx.source.topology?.mode === "cluster" ? 0 : selectedDbs(ctx).dbs[0] ?? 0;
  const nodes = dataNodes(ctx.source);
  if (nodes.length === 0) return failed(id, "not checked because no source master could be queried", "Fix the source connectivity first.");
  const outcomes = await Promise.all(nodes.map((n) => checkNode(ctx, n, db)));
  const refused = outcomes.filter((o) => !o.ok);
  const user = ctx.source.endpoint.username ?? "default";
  if (refused.length > 0) {
    return warning(
      id,
      `the source refuses the heartbeat key ${HEARTBEAT_PREFIX}: ${listSome(refused.map((o) => `${o.address} (${o.how})`), 3)}; latency will be estimated from replication offsets instead`,
      `Allow the write on every source master: ACL SETUSER ${user} ~${HEARTBEAT_PREFIX}* +set (a replica as source cannot take it: use the master).`,
    );
  }
  return passed(id, `The account may write ${HEARTBEAT_PREFIX} on ${outcomes.length === 1 ? "the source" : `all ${outcomes.length} source masters`} (${outcomes[0].how}).`);
}
