import { describeError } from "../../errors";
import { DEFAULT_TIMEOUT_MS } from "../topology";
import { countOwnKeysOf, gatherSide, type PrecheckContext } from "./context";
import { PRECHECK_ITEMS, failed, type PrecheckItem, type PrecheckItemId, type PrecheckOptions, type PrecheckResult } from "./types";
import { connectivityItem, authItem } from "./items/connectivity";
import { sourceVersionItem, targetVersionItem } from "./items/version";
import { psyncItem } from "./items/psync";
import { notificationsItem } from "./items/notifications";
import { modeItem } from "./items/mode";
import { conflictItem, dbMappingItem } from "./items/databases";
import { capacityItem, evictionItem } from "./items/memory";
import { backlogItem } from "./items/backlog";
import { targetInUseItem, sameDeploymentItem } from "./items/deployment";
import { heartbeatItem } from "./items/heartbeat";
import { pubsubItem } from "./items/pubsub";
import { modulesItem } from "./items/modules";
import { tlsItem } from "./items/tls";
import { keyFilterItem, speedLimitItem } from "./items/filter-and-limits";

const CHECKS: Record<PrecheckItemId, (ctx: PrecheckContext) => PrecheckItem | Promise<PrecheckItem>> = {
  source_connectivity: (c) => connectivityItem(c.source, c.timeoutMs),
  target_connectivity: (c) => connectivityItem(c.target, c.timeoutMs),
  source_auth: (c) => authItem(c.source),
  target_auth: (c) => authItem(c.target),
  source_tls: (c) => tlsItem(c.source),
  target_tls: (c) => tlsItem(c.target),
  source_version: (c) => sourceVersionItem(c.source),
  target_version: (c) => targetVersionItem(c.source, c.target),
  source_psync: psyncItem,
  source_notifications: notificationsItem,
  source_mode: (c) => modeItem(c.source),
  target_mode: (c) => modeItem(c.target),
  conflict: conflictItem,
  db_mapping: dbMappingItem,
  target_capacity: capacityItem,
  target_eviction: evictionItem,
  source_backlog: backlogItem,
  target_in_use: targetInUseItem,
  same_deployment: sameDeploymentItem,
  heartbeat: heartbeatItem,
  pubsub: pubsubItem,
  modules: modulesItem,
  key_filter: keyFilterItem,
  speed_limits: speedLimitItem,
};

/** One check that throws is a failed item saying so, never a precheck that throws. */
async function guarded(id: PrecheckItemId, ctx: PrecheckContext): Promise<PrecheckItem> {
  try {
    return await CHECKS[id](ctx);
  } catch (err) {
    return failed(id, `the check itself failed: ${describeError(err)}`, "Run the precheck again; if it keeps failing, report it with this message.");
  }
}

/**
 * Checks every condition of a synchronization before it starts. Never throws for a bad server: an
 * unreachable node, a refused password or a missing permission is an item, and items that depend
 * on a side that cannot be reached say "not checked because ..." instead of disappearing.
 */
export async function runPrecheck(opts: PrecheckOptions): Promise<PrecheckResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let source, target;
  try {
    [source, target] = await Promise.all([gatherSide("source", opts.source, timeoutMs), gatherSide("target", opts.target, timeoutMs)]);
    await Promise.all([countOwnKeysOf(source, timeoutMs), countOwnKeysOf(target, timeoutMs)]);
  } catch (err) {
    const why = `not checked because the precheck could not start: ${describeError(err)}`;
    return { passed: false, items: PRECHECK_ITEMS.map((i) => failed(i.id, why, "Run the precheck again; if it keeps failing, report it with this message.")) };
  }
  const ctx: PrecheckContext = { opts, timeoutMs, source, target };
  const deferred = new Set(opts.deferred ?? []);
  const later = PRECHECK_ITEMS.filter((i) => deferred.has(i.id)).map((i) => guarded(i.id, ctx));
  const items = await Promise.all(PRECHECK_ITEMS.filter((i) => !deferred.has(i.id)).map((i) => guarded(i.id, ctx)));
  return { passed: items.every((i) => i.status !== "failed"), items, ...(later.length > 0 && { later: Promise.all(later) }) };
}
