import { Prng } from "./prng";
import { Gen, type Family } from "./gen-context";
import { Keyspace } from "./keyspace";
import type { Op } from "./op";
import type { FuzzProfile } from "./profiles";
import { bitOps, counterOps, ephemeralOps, stringOps } from "./ops-strings";
import { hashOps, listOps, setOps } from "./ops-collections";
import { geoOps, hllOps, zsetOps } from "./ops-sorted";
import { streamOps } from "./ops-streams";
import { dbOps, keyOps, unselectedOps } from "./ops-keys";
import { evalOps, functionOps, publishOps, txOps } from "./ops-scripts";
import { blockingOps } from "./ops-blocking";
import { moduleOps } from "./ops-modules";

/**
 * The op sequence of a round: for a seed, a profile, a phase and a connection, always the same list.
 * A family with nothing to offer in a profile (a switch off) returns null and is drawn again.
 */

const SIMPLE: Family[] = [stringOps, counterOps, bitOps, listOps, hashOps, setOps, zsetOps, hllOps];

const FAMILIES = {
  strings: [stringOps, 10],
  counters: [counterOps, 6],
  bits: [bitOps, 3],
  ephemeral: [ephemeralOps, 3],
  lists: [listOps, 9],
  hashes: [hashOps, 7],
  sets: [setOps, 6],
  zsets: [zsetOps, 7],
  geo: [geoOps, 3],
  hll: [hllOps, 2],
  streams: [streamOps, 9],
  keys: [keyOps, 8],
  dbs: [dbOps, 0.6],
  unselected: [unselectedOps, 1.5],
  eval: [evalOps, 4],
  functions: [functionOps, 3],
  tx: [txOps(SIMPLE), 4],
  publish: [publishOps, 1.5],
  blocking: [blockingOps, 2],
  modules: [moduleOps, 4],
} as const satisfies Record<string, readonly [Family, number]>;

type FamilyName = keyof typeof FAMILIES;
const WEIGHTS = Object.fromEntries(Object.entries(FAMILIES).map(([k, [, w]]) => [k, w])) as Record<FamilyName, number>;

/** `count` ops of one connection in one phase ("A": during the full sync, "B": after it). */
export function generateOps(seed: number | string, profile: FuzzProfile, phase: string, conn: number, count: number): Op[] {
  const r = new Prng(`fuzz:${seed}:${profile.name}`).fork(`${phase}${conn}`);
  const g = new Gen(r, new Keyspace(profile), profile, conn, phase);
  const out: Op[] = [];
  while (out.length < count) {
    const name = r.weighted(WEIGHTS);
    const op = FAMILIES[name][0](g);
    if (!op) continue;
    op.id = `${phase}${conn}#${out.length}`;
    out.push(op);
  }
  return out;
}

/** Every connection's ops for a phase: `total` split over `connections`. */
export function generatePhase(seed: number | string, profile: FuzzProfile, phase: string, connections: number, total: number): Op[][] {
  return Array.from({ length: connections }, (_, c) => generateOps(seed, profile, phase, c, Math.floor(total / connections) + (c < total % connections ? 1 : 0)));
}

/** Counts of ops by their command name, e.g. to check that every listed command is generated. */
export function commandCounts(ops: Op[]): Map<string, number> {
  const out = new Map<string, number>();
  const add = (name: string) => out.set(name, (out.get(name) ?? 0) + 1);
  for (const op of ops) {
    switch (op.t) {
      case "cmd": add(String(op.argv[0]).toUpperCase()); break;
      case "tx": add("MULTI"); for (const c of op.cmds) { add(String(c.argv[0]).toUpperCase()); if (c.select !== undefined) add("SELECT"); } break;
      case "evalsha": add("EVALSHA"); break;
      case "masters": add(op.argv.slice(0, op.argv[0] === "FUNCTION" ? 2 : 1).map(String).join(" ").toUpperCase()); break;
      case "block": add(String(op.block[0]).toUpperCase()); for (const s of op.serve) add(String(s[0]).toUpperCase()); break;
      case "restore": add("RESTORE"); break;
      case "publish": add("PUBLISH"); break;
    }
  }
  return out;
}
