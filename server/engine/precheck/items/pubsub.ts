import { describeError } from "../../../errors";
import { majorMinor } from "../../topology";
import { passed, warning, failed, type PrecheckItem } from "../types";
import { scanReaderChosen } from "./psync";
import { blockedReason, dataNodes, listSome, onNode, plural, type CheckedNode, type PrecheckContext, type Side } from "../context";

/**
 * Pub/sub messages (PUBLISH). A standalone source replicates PUBLISH in its stream: it is applied on
 * the destination in order with the data and replayed after a restart like any command, so the item
 * passes. A source cluster sends PUBLISH over the cluster bus, never through the stream: the task
 * forwards it through a subscription that keeps nothing, so the item warns for every cluster source
 * (whether anyone subscribes on the source today says little about the subscribers the destination
 * will have after the switch-over): pub/sub is at-most-once there, and shard channels (SPUBLISH)
 * cannot be subscribed by pattern, so they are not forwarded at all.
 */
export async function pubsubItem(ctx: PrecheckContext): Promise<PrecheckItem> {
  const id = "pubsub";
  const blocked = blockedReason(ctx.source) ?? blockedReason(ctx.target);
  if (blocked) return failed(id, blocked, "Fix the connectivity and authentication of both sides first.");
  const publishRefused = await refusal(ctx, ctx.target, ["PUBLISH", "redis-dts-precheck", "x"]);
  const targetUser = ctx.target.endpoint.username ?? "default";
  // the scan reader reads no replication stream: a standalone source's PUBLISH is forwarded as a cluster's
  const cluster = ctx.source.topology?.mode === "cluster";
  if (!cluster && !(await scanReaderChosen(ctx)).chosen) {
    if (publishRefused) {
      return warning(id, `the destination account may not PUBLISH (${publishRefused}): messages published on the source will be refused by the destination`, `Allow it: ACL SETUSER ${targetUser} +publish.`);
    }
    return passed(id, "PUBLISH on the source travels in its replication stream: it is applied on the destination in order with the data.");
  }

  const nodes = dataNodes(ctx.source);
  const [subscribeRefused, shard, subscribed] = await Promise.all([
    refusal(ctx, ctx.source, ["PSUBSCRIBE", "*"]),
    Promise.all(nodes.map((n) => shardChannels(ctx, n))),
    Promise.all(nodes.map((n) => subscriptions(ctx, n))),
  ]);
  const shardNames = [...new Set(shard.flat())];
  const sourceUser = ctx.source.endpoint.username ?? "default";
  const notes = [
    cluster
      ? "PUBLISH on a source cluster travels over the cluster bus, not the replication stream: the task forwards it by subscribing (PSUBSCRIBE *) on one source node and publishing each message on the destination"
      : "the scan reader reads no replication stream: the task forwards PUBLISH by subscribing (PSUBSCRIBE *) on the source and publishing each message on the destination",
    "pub/sub is at-most-once: a message published while that subscription or the destination link is down is lost (the status page counts what was dropped)",
    `shard channels (SPUBLISH, Redis 7.0+) cannot be subscribed by pattern and are not forwarded${shardNames.length ? `; ${plural(shardNames.length, "shard channel")} ${shardNames.length === 1 ? "has" : "have"} subscribers on the source now: ${listSome(shardNames)}` : ""}`,
  ];
  const inUse = subscribed.reduce((n, s) => n + s, 0);
  if (inUse > 0) notes.push(`the source has ${plural(inUse, "channel or pattern subscription")} now`);
  const fixes = ["Let subscribers tolerate lost messages, or carry messages that must arrive in a Stream (XADD), which is synchronized exactly."];
  if (subscribeRefused) {
    notes.unshift(`the source account may not PSUBSCRIBE * (${subscribeRefused}): no message will be forwarded`);
    fixes.unshift(`Allow it on the source: ACL SETUSER ${sourceUser} &* +psubscribe.`);
  }
  if (publishRefused) {
    notes.unshift(`the destination account may not PUBLISH (${publishRefused}): forwarded messages will be refused`);
    fixes.unshift(`Allow it on the destination: ACL SETUSER ${targetUser} +publish.`);
  }
  return warning(id, notes.join("; "), fixes.join(" "));
}

/** Why the side's account may not run `command` (ACL DRYRUN, Redis 7+), or null when it may or no one can tell. */
async function refusal(ctx: PrecheckContext, side: Side, command: string[]): Promise<string | null> {
  const node = dataNodes(side)[0];
  if (!node || (majorMinor(node.probe.server?.redisVersion)?.[0] ?? 0) < 7) return null;
  const user = side.endpoint.username ?? "default";
  try {
    const answer = await onNode(ctx, side, node, (c) => c.call("ACL", "DRYRUN", user, ...command));
    return String(answer) === "OK" ? null : String(answer).slice(0, 200);
  } catch (err) {
    // the account may not run ACL DRYRUN itself: the task will find out, and say so in its events
    return /^NOPERM/.test((err as Error).message) && !/acl\|dryrun|'acl'/i.test((err as Error).message) ? describeError(err) : null;
  }
}

async function shardChannels(ctx: PrecheckContext, node: CheckedNode): Promise<string[]> {
  if ((majorMinor(node.probe.server?.redisVersion)?.[0] ?? 0) < 7) return [];
  try {
    return ((await onNode(ctx, ctx.source, node, (c) => c.call("PUBSUB", "SHARDCHANNELS"))) as unknown[]).map(String);
  } catch {
    return [];
  }
}

async function subscriptions(ctx: PrecheckContext, node: CheckedNode): Promise<number> {
  try {
    return await onNode(ctx, ctx.source, node, async (c) => ((await c.call("PUBSUB", "CHANNELS")) as unknown[]).length + Number(await c.call("PUBSUB", "NUMPAT")));
  } catch {
    return 0;
  }
}
