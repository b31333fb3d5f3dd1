import type { Redis } from "ioredis";
import { describeError } from "../../../errors";
import { listModules, moduleGaps, type NodeModules } from "../../modules/module-list";
import { failed, passed, warning, type PrecheckItem } from "../types";
import { blockedReason, dataNodes, listSome, onNode, plural, type PrecheckContext, type Side } from "../context";
import { selectedDbs } from "./databases";

/** keys whose TYPE is read per database and node: enough to name the module types in use */
const SAMPLE_PER_DB = 2000;
const BUILT_IN_TYPES = new Set(["string", "list", "set", "zset", "hash", "stream", "none"]);

async function modulesOf(ctx: PrecheckContext, side: Side): Promise<NodeModules[]> {
  return Promise.all(
    dataNodes(side).map(async (n) => {
      try {
        return { address: n.address, modules: await onNode(ctx, side, n, listModules) };
      } catch (err) {
        return { address: n.address, modules: null, error: describeError(err) };
      }
    }),
  );
}

/** TYPE of the first keys SCAN returns in each selected database: module type name → keys seen. */
async function sampleTypes(client: Redis, dbs: number[], counts: Map<string, number>): Promise<number> {
  let sampled = 0;
  for (const db of dbs) {
    if (db !== 0) await client.select(db);
    let cursor = "0";
    let seen = 0;
    do {
      const [next, keys] = await client.scanBuffer(cursor, "COUNT", 500);
      cursor = String(next);
      if (keys.length === 0) continue;
      const p = client.pipeline();
      for (const k of keys) p.type(k);
      const types = (await p.exec()) ?? [];
      for (const [err, t] of types) {
        if (err || typeof t !== "string" || BUILT_IN_TYPES.has(t)) continue;
        counts.set(t, (counts.get(t) ?? 0) + 1);
      }
      seen += keys.length;
    } while (cursor !== "0" && seen < SAMPLE_PER_DB);
    sampled += seen;
  }
  return sampled;
}

const named = (m: { name: string; version: number }) => `${m.name} ${m.version}`;

/**
 * The source's modules (MODULE LIST on every master) are on every destination master in the same
 * or a newer version; the module data types in use are named from a sample of the source's keys
 * (SCAN + TYPE: a server lists no types, and every value of a type not built in belongs to a module).
 */
export async function modulesItem(ctx: PrecheckContext): Promise<PrecheckItem> {
  const id = "modules";
  const blocked = blockedReason(ctx.source) ?? blockedReason(ctx.target);
  if (blocked) return failed(id, blocked, "Fix the connectivity and authentication of both sides first.");
  const [source, target] = await Promise.all([modulesOf(ctx, ctx.source), modulesOf(ctx, ctx.target)]);
  const unreadable = [...source, ...target].filter((n) => n.modules === null);
  const sourceModules = new Map<string, { version: number; on: string[] }>();
  for (const n of source) for (const m of n.modules ?? []) {
    const s = sourceModules.get(m.name) ?? { version: m.version, on: [] };
    s.version = Math.max(s.version, m.version);
    s.on.push(n.address);
    sourceModules.set(m.name, s);
  }
  const unreadableText = unreadable.length ? `; the modules of ${listSome(unreadable.map((n) => `${n.address} (${n.error})`), 3)} could not be listed` : "";
  if (sourceModules.size === 0) {
    if (unreadable.some((n) => source.includes(n))) {
      return warning(id, `the source's modules could not be listed${unreadableText}`, "Allow the account MODULE LIST (ACL +module|list), or check yourself that every module of the source is loaded on every destination node.");
    }
    return passed(id, `the source has no modules loaded: no module data types to copy${unreadableText}.`);
  }
  const dbs = ctx.source.topology?.mode === "cluster" ? [0] : selectedDbs(ctx).dbs;
  const counts = new Map<string, number>();
  let sampled = 0;
  try {
    const perNode = await Promise.all(dataNodes(ctx.source).map((n) => onNode(ctx, ctx.source, n, (c) => sampleTypes(c, dbs, counts))));
    sampled = perNode.reduce((a, b) => a + b, 0);
  } catch (err) {
    sampled = -1;
    counts.set(`(the sample failed: ${describeError(err)})`, 0);
  }
  const masters = dataNodes(ctx.source).length;
  const list = [...sourceModules].map(([name, s]) => `${name} ${s.version} (${s.on.length === masters ? (masters === 1 ? "on the source" : `on all ${masters} masters`) : `on ${listSome(s.on, 3)}`})`);
  const types = [...counts].map(([t, n]) => (n > 0 ? `${t} (${plural(n, "key")})` : t));
  const typesText = sampled < 0 ? types.join("") : `module data types in a sample of ${plural(sampled, "key")}: ${types.length ? types.join(", ") : "none"}`;
  const gaps = moduleGaps(source, target);
  if (gaps.length > 0) {
    const what = gaps.map((g) => {
      const parts: string[] = [];
      if (g.missingOn.length) parts.push(`missing on ${listSome(g.missingOn, 3)}`);
      if (g.olderOn.length) parts.push(`older on ${listSome(g.olderOn.map((o) => `${o.address} (${o.version})`), 3)}`);
      return `${named(g.module)}: ${parts.join(", ")}`;
    });
    return failed(
      id,
      `the destination lacks modules the source has: ${what.join("; ")}. The source's modules: ${list.join(", ")}; ${typesText}. Without them the values of their types are refused and their commands fail${unreadableText}`,
      `Load ${gaps.map((g) => `module ${g.module.name} version ≥ ${g.module.version}`).join(" and ")} on every destination node (loadmodule in its configuration, or MODULE LOAD), then run the precheck again.`,
    );
  }
  const message = `the source's modules ${list.join(", ")} are loaded on every destination ${ctx.target.topology?.mode === "cluster" ? "master" : "node"} in the same or a newer version; ${typesText}: their values are copied with RESTORE${unreadableText}.`;
  return unreadable.length ? warning(id, message, "Allow the account MODULE LIST (ACL +module|list) on every node, or check the modules yourself.") : passed(id, message);
}
