import { keyspaceCounts } from "../../topology";
import { withoutOwnKeys } from "../../keys/count-own-keys";
import { failed, passed, warning, type PrecheckItem } from "../types";
import { blockedReason, dataNodes, onNode, plural, type PrecheckContext, type Side } from "../context";

/**
 * Data keys per database summed over the nodes that hold a side's data: INFO keyspace, just read,
 * less redis-dts's own keys (an earlier task's heartbeats and fences are not data, nor a conflict).
 */
export function keysPerDb(side: Side): Map<number, number> {
  const total = new Map<number, number>();
  for (const n of dataNodes(side)) {
    for (const [db, keys] of withoutOwnKeys(keyspaceCounts(n.probe.info ?? {}), n.ownKeys ?? new Map())) total.set(db, (total.get(db) ?? 0) + keys);
  }
  return total;
}

/** The selected source databases: as given, else every database holding keys, and db 0. */
export function selectedDbs(ctx: PrecheckContext): { dbs: number[]; given: boolean } {
  if (ctx.opts.dbs && ctx.opts.dbs.length > 0) return { dbs: [...ctx.opts.dbs].sort((a, b) => a - b), given: true };
  const dbs = new Set([0, ...keysPerDb(ctx.source).keys()]);
  return { dbs: [...dbs].sort((a, b) => a - b), given: false };
}

/** Where a source database goes: the mapping given, else the same number (a cluster destination: 0, as the engine applies it). */
export function mappedDb(ctx: PrecheckContext, db: number): number {
  const cluster = ctx.target.topology?.mode === "cluster" || ctx.target.endpoint.mode === "cluster";
  return ctx.opts.dbMap?.get(db) ?? (cluster ? 0 : db);
}

/** CONFIG GET databases, or undefined when the account may not run CONFIG (or it is renamed). */
async function databaseCount(ctx: PrecheckContext, side: Side): Promise<number | undefined> {
  if (side.topology?.mode === "cluster") return 1;
  try {
    const reply = await onNode(ctx, side, side.nodes[0], (c) => c.call("CONFIG", "GET", "databases"));
    const n = Array.isArray(reply) ? Number(String(reply[1])) : NaN;
    return Number.isInteger(n) && n > 0 && n <= 1_000_000 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Pre-check and Intercept: the mapped destination databases are empty. Ignore: a warning. */
export function conflictItem(ctx: PrecheckContext): PrecheckItem {
  const id = "conflict";
  const blocked = blockedReason(ctx.target) ?? blockedReason(ctx.source);
  if (blocked) return failed(id, blocked, "Fix the connectivity and authentication of both sides first.");
  const targetKeys = keysPerDb(ctx.target);
  const destDbs = [...new Set(selectedDbs(ctx).dbs.map((db) => mappedDb(ctx, db)))].sort((a, b) => a - b);
  const found = destDbs.filter((db) => (targetKeys.get(db) ?? 0) > 0).map((db) => ({ db, keys: targetKeys.get(db)! }));
  const total = found.reduce((s, f) => s + f.keys, 0);
  const where = found.map((f) => `db${f.db} has ${plural(f.keys, "key")}`).join(", ");
  const dbNames = destDbs.map((d) => `db${d}`).join(", ");
  if (ctx.opts.conflict === "ignore") {
    const state = total > 0 ? `the destination already holds ${plural(total, "key")} (${where})` : `the destination's ${dbNames} ${destDbs.length === 1 ? "is" : "are"} empty now`;
    return warning(id, `Ignore mode: ${state}; keys of the same name in the destination will be overwritten by the source's`, "Choose Pre-check and Intercept to require an empty destination, or accept that keys of the same name are overwritten.");
  }
  if (total > 0) {
    return failed(
      id,
      `Pre-check and Intercept: the destination is not empty: ${where}`,
      `Empty the destination databases (FLUSHDB in ${found.map((f) => `db${f.db}`).join(", ")} if the keys are not needed), map to empty databases, or choose Ignore to overwrite keys of the same name.`,
    );
  }
  return passed(id, `The destination's ${dbNames} ${destDbs.length === 1 ? "is" : "are"} empty.`);
}

/** Selected databases exist on the source; a cluster destination takes only db 0; merges warn. */
export async function dbMappingItem(ctx: PrecheckContext): Promise<PrecheckItem> {
  const id = "db_mapping";
  const blocked = blockedReason(ctx.source) ?? blockedReason(ctx.target);
  if (blocked) return failed(id, blocked, "Fix the connectivity and authentication of both sides first.");
  const { dbs, given } = selectedDbs(ctx);
  const [sourceCount, targetCount] = await Promise.all([databaseCount(ctx, ctx.source), databaseCount(ctx, ctx.target)]);
  const sourceKeys = keysPerDb(ctx.source);
  const sourceCluster = ctx.source.topology?.mode === "cluster";
  const targetCluster = ctx.target.topology?.mode === "cluster";
  const problems: string[] = [];
  const fixes: string[] = [];
  const missing = dbs.filter((db) => (sourceCount !== undefined ? db >= sourceCount : false));
  if (missing.length > 0) {
    problems.push(sourceCluster ? `a source cluster has only db 0, but ${missing.map((d) => `db${d}`).join(", ")} ${missing.length === 1 ? "was" : "were"} selected` : `the source has ${sourceCount} databases (0-${sourceCount! - 1}); ${missing.map((d) => `db${d}`).join(", ")} do${missing.length === 1 ? "es" : ""} not exist`);
    fixes.push("Select only databases that exist on the source.");
  }
  const mapped = dbs.map((db) => ({ db, to: mappedDb(ctx, db) }));
  const badCluster = targetCluster ? mapped.filter((m) => m.to !== 0) : [];
  if (badCluster.length > 0) {
    problems.push(`a cluster destination has only db 0, but ${badCluster.map((m) => `db${m.db} → db${m.to}`).join(", ")}`);
    fixes.push(`Map every selected database to 0 (CLI: --db-map ${badCluster.map((m) => `${m.db}:0`).join(",")}).`);
  }
  const tooHigh = !targetCluster && targetCount !== undefined ? mapped.filter((m) => m.to >= targetCount) : [];
  if (tooHigh.length > 0) {
    problems.push(`the destination has ${targetCount} databases (0-${targetCount! - 1}), but ${tooHigh.map((m) => `db${m.db} → db${m.to}`).join(", ")}`);
    fixes.push("Map to databases that exist on the destination, or raise `databases` in its redis.conf.");
  }
  if (problems.length > 0) return failed(id, problems.join("; "), fixes.join(" "));

  const mapping = mapped.map((m) => `db${m.db} → db${m.to}`).join(", ");
  const notes: string[] = [];
  const fix: string[] = [];
  const byTarget = new Map<number, number[]>();
  for (const m of mapped) byTarget.set(m.to, [...(byTarget.get(m.to) ?? []), m.db]);
  const merged = [...byTarget].filter(([, from]) => from.length > 1);
  if (merged.length > 0) {
    notes.push(`${merged.map(([to, from]) => `${from.map((d) => `db${d}`).join(" + ")} are merged into db${to}`).join("; ")}: a key present in several of them keeps only the last value written`);
    fix.push("Map each source database to its own destination database unless merging is intended.");
  }
  const unselected = [...(ctx.opts.dbMap?.keys() ?? [])].filter((db) => !dbs.includes(db));
  if (unselected.length > 0) {
    notes.push(`the mapping names ${unselected.map((d) => `db${d}`).join(", ")}, which ${unselected.length === 1 ? "is" : "are"} not selected and will not be synchronized`);
    fix.push("Select those databases too, or drop them from the mapping.");
  }
  const unverified = sourceCount === undefined ? dbs.filter((db) => !sourceKeys.has(db) && db !== 0) : [];
  if (unverified.length > 0) {
    notes.push(`${unverified.map((d) => `db${d}`).join(", ")} hold${unverified.length === 1 ? "s" : ""} no keys and the account may not run CONFIG GET databases, so ${unverified.length === 1 ? "its" : "their"} existence on the source is not verified`);
    fix.push("Check the source's `databases` setting, or let the account run CONFIG GET.");
  }
  if (!given && !sourceCluster && targetCluster && (sourceCount ?? 16) > 1) {
    notes.push("no databases were selected: writes the source later makes to databases other than those listed cannot be applied to a cluster destination");
    fix.push("Select the databases to synchronize explicitly.");
  }
  const base = `${given ? "Selected" : "Databases holding keys"}: ${mapping}`;
  if (notes.length > 0) return warning(id, `${base}; ${notes.join("; ")}`, fix.join(" "));
  return passed(id, `${base}; every selected database exists on the source${sourceCount ? ` (${plural(sourceCount, "database")})` : ""}.`);
}

