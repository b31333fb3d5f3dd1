import calculateSlot from "cluster-key-slot";
import { COMMAND_SPECS, KEYLESS, commandName, keyIndicesOf, type LearnedCommands, type StoreLayout } from "../commands/command-spec";
import { sortNeedsOtherKeys } from "../commands/keyword-keys";
import { absoluteExpiry } from "./expiry";
import type { KeyFilter } from "../filter/key-filter";
import { filterCommand } from "../filter/plan-filter";

/**
 * Turns one replicated command of source database `db` into what the destination must run.
 * Pure: no I/O, so every rule is unit-tested; the apply stage executes the steps in order.
 */

export type Step =
  /** send argv to the node owning `key` (null: any node / the only node) in destination db `db` */
  | { kind: "write"; db: number; argv: Buffer[]; key: Buffer | null }
  /** send argv to every master of the destination */
  | { kind: "broadcast"; db: number; argv: Buffer[] }
  /**
   * empties destination database `db`: all of it (FLUSHDB on every master), or when the source is one
   * master of a cluster only the keys of `slots` (that master's FLUSHALL emptied only its own slots)
   */
  | { kind: "flush"; db: number; argv: Buffer[]; slots: Array<[number, number]> | null }
  /** a multi-key command whose keys live in several slots: the executor reads and rewrites */
  | { kind: "emulate"; db: number; argv: Buffer[]; name: string; keys: number[]; how: "colocate" | "move"; layout?: StoreLayout }
  /**
   * not applied exactly (or `refused`: the destination would refuse it): counted as a divergence, an
   * event names it and the task's policy (pause, skip and record, fail) decides
   */
  | { kind: "report"; message: string; keys: Buffer[]; inexact: true; refused?: boolean }
  /** known and deliberately not applied (the task option says so, or it is a no-op here) */
  | { kind: "skip"; message?: string };

export interface PlanContext {
  cluster: boolean;
  /** destination database of a selected source database; undefined when not synchronized */
  mapDb(db: number): number | undefined;
  /** several selected source databases write into this destination database */
  merged(destDb: number): boolean;
  /** FLUSHDB / FLUSHALL are ignored by task option */
  ignoreFlush: boolean;
  /**
   * the slots of the source master this stream comes from, when the source is a cluster (its
   * FLUSHALL/FLUSHDB empties only these); null for a standalone source
   */
  sourceSlots?: Array<[number, number]> | null;
  /** when the command was received (ms): relative expiries become absolute from it */
  receivedAt: number;
  /** where the keys of commands outside the table are, as the servers report them (../commands/command-keys.ts) */
  learned?: LearnedCommands;
  /**
   * the task's key filter (../filter): commands of excluded keys are dropped, multi-key ones split
   * where exact, and reported when they tie included keys to excluded ones; null: every key
   */
  filter?: KeyFilter | null;
}

const b = (s: string | number) => Buffer.from(String(s));

export function planCommand(argv: Buffer[], db: number, ctx: PlanContext, name = commandName(argv[0])): Step[] {
  const dest = ctx.mapDb(db);
  if (KEYLESS.has(name)) return planKeyless(name, argv, db, dest, ctx);
  const filter = ctx.filter?.active ? ctx.filter : null;
  if (filter && (name === "move" || name === "copy")) {
    const f = filterCommand(filter, name, argv, name === "move" ? [1] : [1, 2]);
    if (f.kind === "drop") return [];
    if (f.kind === "mixed") return [{ kind: "report", message: f.message, keys: f.keys, inexact: true }];
  }
  if (name === "move") return planMove(argv, db, dest, ctx);
  if (dest === undefined) return [];
  if (name === "copy") return planCopy(argv, db, dest, ctx);

  const spec = COMMAND_SPECS.get(name) ?? ctx.learned?.get(name);
  let out = absoluteExpiry(name, argv, ctx.receivedAt);
  if (!spec) {
    if (filter) return [{ kind: "report", message: `${name.toUpperCase()}: where its keys are is unknown, so the key filter cannot be applied to it`, keys: [], inexact: true }];
    return [{ kind: "write", db: dest, argv: out, key: null }];
  }
  let idx: number[] | null;
  try {
    idx = keyIndicesOf(spec, out);
  } catch (err) {
    return [{ kind: "report", message: (err as Error).message, keys: [], inexact: true }];
  }
  if (filter && idx === null) {
    return [{ kind: "report", message: `${name.toUpperCase()}: the destination did not say where its keys are (COMMAND GETKEYS), so the key filter cannot be applied to it`, keys: [], inexact: true }];
  }
  if (filter && idx !== null && idx.length > 0) {
    const f = filterCommand(filter, name, out, idx);
    if (f.kind === "drop") return [];
    if (f.kind === "mixed") return [{ kind: "report", message: f.message, keys: f.keys, inexact: true }];
    if (f.kind === "split") {
      out = f.argv;
      idx = keyIndicesOf(spec, out);
      if (idx === null) return [];
    }
  }
  if (idx === null) {
    // only the server can say where this call's keys are, and it could not be asked: any node of a standalone will do
    if (!ctx.cluster) return [{ kind: "write", db: dest, argv: out, key: null }];
    return [{ kind: "report", message: `${name.toUpperCase()}: the destination did not say where its keys are (COMMAND GETKEYS), so it cannot be routed in the cluster destination`, keys: [], inexact: true }];
  }
  if (idx.length === 0) {
    if (ctx.cluster && spec.numkeysAt !== undefined && isScript(name)) {
      return [{ kind: "report", message: `${name.toUpperCase()} with no declared keys cannot be routed in a cluster destination`, keys: [], inexact: true }];
    }
    return [{ kind: "write", db: dest, argv: out, key: null }];
  }
  if (!ctx.cluster || sameSlot(out, idx)) return [{ kind: "write", db: dest, argv: out, key: out[idx[0]] }];

  switch (spec.crossSlot) {
    case "split":
      return splitBySlot(name, out, idx, dest);
    case "colocate": {
      const layout = spec.layout ? spec.layout(out) : undefined;
      if (layout === null) break;
      if (name === "sort" && sortNeedsOtherKeys(out)) {
        return [{ kind: "report", message: "SORT … STORE with GET, or BY a pattern, into a key of another slot cannot be applied exactly to the cluster destination (those options read other keys, and a cluster refuses GET)", keys: idx.map((i) => out[i]), inexact: true }];
      }
      return [{ kind: "emulate", db: dest, argv: out, name, keys: idx, how: "colocate", ...(layout ? { layout } : {}) }];
    }
    case "move":
      return [{ kind: "emulate", db: dest, argv: out, name, keys: idx, how: "move" }];
    default:
      break;
  }
  return [{ kind: "report", message: `${name.toUpperCase()} touches keys in several slots of the cluster destination and cannot be applied atomically`, keys: idx.map((i) => out[i]), inexact: true }];
}

function isScript(name: string): boolean {
  return name.startsWith("eval") || name.startsWith("fcall");
}

function sameSlot(argv: Buffer[], idx: number[]): boolean {
  const first = calculateSlot(argv[idx[0]]);
  for (let i = 1; i < idx.length; i++) if (calculateSlot(argv[idx[i]]) !== first) return false;
  return true;
}

/** DEL/UNLINK/EXISTS one command per slot; MSET/MSETNX as MSET per slot (MSETNX only replicates when it succeeded, so every key was new). */
function splitBySlot(name: string, argv: Buffer[], idx: number[], db: number): Step[] {
  const pairs = name === "mset" || name === "msetnx";
  const groups = new Map<number, Buffer[]>();
  for (const i of idx) {
    const slot = calculateSlot(argv[i]);
    let g = groups.get(slot);
    if (!g) groups.set(slot, (g = []));
    g.push(argv[i]);
    if (pairs) g.push(argv[i + 1]);
  }
  const cmd = pairs ? b("MSET") : argv[0];
  return [...groups.values()].map((args) => ({ kind: "write" as const, db, argv: [cmd, ...args], key: args[0] }));
}

function planKeyless(name: string, argv: Buffer[], db: number, dest: number | undefined, ctx: PlanContext): Step[] {
  switch (name) {
    case "publish":
      return [{ kind: "write", db: dest ?? 0, argv, key: null }];
    case "spublish":
      return [{ kind: "write", db: dest ?? 0, argv, key: argv[1] ?? null }];
    case "script":
    case "function":
      return [{ kind: "broadcast", db: dest ?? 0, argv }];
    case "flushall":
      return planFlush(argv, null, ctx);
    case "flushdb":
      return dest === undefined ? [] : planFlush(argv, db, ctx);
    case "swapdb":
      return planSwapdb(argv, ctx);
    default:
      // SELECT is tracked by the source reader; MULTI/EXEC by the transaction stage; PING/REPLCONF are control.
      return [];
  }
}

function planFlush(argv: Buffer[], db: number | null, ctx: PlanContext): Step[] {
  const what = db === null ? "FLUSHALL" : `FLUSHDB of database ${db}`;
  if (ctx.ignoreFlush) return [{ kind: "skip", message: `${what} on the source ignored by task option` }];
  const async = argv.slice(1); // ASYNC / SYNC
  if (db === null) {
    // Every selected source database is flushed: flush each destination database they map to.
    const targets = new Set<number>();
    for (let d = 0; d < 1024; d++) {
      const m = ctx.mapDb(d);
      if (m !== undefined) targets.add(m);
    }
    return [...targets].map((t) => flushStep(t, async, ctx));
  }
  const dest = ctx.mapDb(db)!;
  if (ctx.merged(dest)) {
    return [{ kind: "report", message: `${what}: destination database ${dest} also holds other source databases, so it was not flushed`, keys: [], inexact: true }];
  }
  return [flushStep(dest, async, ctx)];
}

function flushStep(db: number, async: Buffer[], ctx: PlanContext): Step {
  const slots = ctx.sourceSlots && !coversAllSlots(ctx.sourceSlots) ? ctx.sourceSlots : null;
  return { kind: "flush", db, argv: [b("FLUSHDB"), ...async], slots };
}

function coversAllSlots(ranges: Array<[number, number]>): boolean {
  let n = 0;
  for (const [a, z] of ranges) n += z - a + 1;
  return n >= 16384;
}

function planSwapdb(argv: Buffer[], ctx: PlanContext): Step[] {
  const [a, c] = [Number(argv[1]?.toString()), Number(argv[2]?.toString())];
  const [ma, mc] = [ctx.mapDb(a), ctx.mapDb(c)];
  if (ma === undefined && mc === undefined) return [];
  // the destination's databases also hold keys outside the filter, which the swap would move too
  if (ctx.filter?.active) return [{ kind: "report", message: `SWAPDB ${a} ${c} cannot be applied exactly with a key filter (it would swap keys outside the filter too)`, keys: [], inexact: true }];
  if (!ctx.cluster && ma !== undefined && mc !== undefined && !ctx.merged(ma) && !ctx.merged(mc)) {
    return ma === mc ? [] : [{ kind: "write", db: ma, argv: [argv[0], b(ma), b(mc)], key: null }];
  }
  return [{ kind: "report", message: `SWAPDB ${a} ${c} cannot be applied exactly through this database mapping`, keys: [], inexact: true }];
}

/** MOVE key db: within the mapping a move, a merge no-op, or a delete when the key leaves the synchronized set. */
function planMove(argv: Buffer[], db: number, dest: number | undefined, ctx: PlanContext): Step[] {
  const to = Number(argv[2]?.toString());
  const mappedTo = ctx.mapDb(to);
  if (dest === undefined && mappedTo === undefined) return [];
  if (dest !== undefined && mappedTo === undefined) return [{ kind: "write", db: dest, argv: [b("DEL"), argv[1]], key: argv[1] }];
  if (dest === undefined) {
    return [{ kind: "report", message: `MOVE of a key from unsynchronized database ${db} into database ${to}: its value is unknown here`, keys: [argv[1]], inexact: true }];
  }
  if (dest === mappedTo) return [];
  return [{ kind: "write", db: dest, argv: [argv[0], argv[1], b(mappedTo!)], key: argv[1] }];
}

/** COPY src dst [DB n] [REPLACE]: the DB option goes through the mapping. */
function planCopy(argv: Buffer[], db: number, dest: number, ctx: PlanContext): Step[] {
  const out: Buffer[] = [argv[0], argv[1], argv[2]];
  let targetDb = dest;
  for (let i = 3; i < argv.length; i++) {
    const opt = argv[i].toString().toLowerCase();
    if (opt === "db" && i + 1 < argv.length) {
      const m = ctx.mapDb(Number(argv[++i].toString()));
      if (m === undefined) return [];
      targetDb = m;
    } else out.push(argv[i]);
  }
  if (targetDb !== dest) {
    if (ctx.cluster) return [{ kind: "report", message: `COPY into another database cannot be applied to a cluster destination`, keys: [argv[1], argv[2]], inexact: true }];
    out.push(b("DB"), b(targetDb));
  }
  if (ctx.cluster && calculateSlot(out[1]) !== calculateSlot(out[2])) {
    return [{ kind: "emulate", db: dest, argv: out, name: "copy", keys: [1, 2], how: "move" }];
  }
  return [{ kind: "write", db: dest, argv: out, key: out[1] }];
}
