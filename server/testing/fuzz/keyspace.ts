import calculateSlot from "cluster-key-slot";
import type { Prng } from "./prng";
import type { FuzzProfile } from "./profiles";

/**
 * Key names of the workload. Each name says what it holds (`lst:`, `hsh:`…) so most commands find
 * the type they expect, and each pool is small so operations meet on the same keys. Names carry the
 * database (`d1:`) so databases merged into one destination database never collide, and some end in
 * binary bytes. On a cluster source every key of an op shares a hash tag; the tags are chosen so
 * each master owns the same number of them, and ops pick tags at random, so they land on every master.
 */

export type KeyKind = "str" | "num" | "flt" | "bit" | "lst" | "hsh" | "set" | "zst" | "geo" | "hll" | "stm" | "eph" | "mod";
export const KEY_KINDS: readonly KeyKind[] = ["str", "num", "flt", "bit", "lst", "hsh", "set", "zst", "geo", "hll", "stm", "eph", "mod"];

/** where an op runs: its database and, when its keys must share a slot, their hash tag */
export interface Scope {
  db: number;
  tag: string | null;
}

const TAGS_PER_MASTER = 8;
/** keys per kind: per tag when tagged, per database when spread */
const PER_TAG = 4;
const SPREAD = 24;

/** The master (0-based, in slot order) that owns `slot` when redis-cli --cluster create split the slots. */
export function masterOfSlot(slot: number, masters: number): number {
  const per = 16384 / masters;
  let first = 0;
  let cursor = 0;
  for (let i = 0; i < masters; i++) {
    let last = Math.round(cursor + per - 1);
    if (last > 16383 || i === masters - 1) last = 16383;
    if (slot >= first && slot <= last) return i;
    first = last + 1;
    cursor += per;
  }
  return masters - 1;
}

export class Keyspace {
  /** hash tags (without braces), TAGS_PER_MASTER per master of the source */
  readonly tags: string[];
  readonly tagsByMaster: string[][];

  constructor(readonly profile: FuzzProfile) {
    const masters = Math.max(1, profile.source.masters);
    this.tagsByMaster = Array.from({ length: masters }, () => [] as string[]);
    for (let i = 0; this.tagsByMaster.some((t) => t.length < TAGS_PER_MASTER); i++) {
      const tag = `t${i}`;
      const m = masterOfSlot(calculateSlot(tag), masters);
      if (this.tagsByMaster[m].length < TAGS_PER_MASTER) this.tagsByMaster[m].push(tag);
    }
    this.tags = this.tagsByMaster.flat();
  }

  get clusterSource(): boolean {
    return this.profile.source.mode === "cluster";
  }

  masterOfTag(tag: string): number {
    return masterOfSlot(calculateSlot(tag), Math.max(1, this.profile.source.masters));
  }

  /**
   * A scope for one op. `oneSlot`: its keys must share a slot (always on a cluster source; on a
   * standalone source when the destination could not apply the op across slots).
   */
  scope(r: Prng, oneSlot: boolean): Scope {
    const dbs = this.profile.dbs;
    const db = dbs.length === 1 || r.chance(0.6) ? dbs[0] : r.pick(dbs);
    const tagged = this.clusterSource || oneSlot || !this.profile.switches.crossSlotOps || r.chance(0.15);
    return { db, tag: tagged ? r.pick(this.tags) : null };
  }

  /** key `i` of a kind in a scope */
  name(kind: KeyKind, i: number, s: Scope): Buffer {
    const db = s.db === 0 ? "" : `d${s.db}:`;
    const tag = s.tag === null ? "" : `{${s.tag}}`;
    const text = Buffer.from(`${db}${tag}${kind}:${i}`);
    // one name in eight ends in bytes that are not text
    return i % 8 === 7 ? Buffer.concat([text, Buffer.from([0x00, 0xff, 0x0a, i & 0xff])]) : text;
  }

  /** a random key of a kind in a scope */
  key(r: Prng, kind: KeyKind, s: Scope): Buffer {
    return this.name(kind, r.int(s.tag === null ? SPREAD : PER_TAG), s);
  }

  /** every key name of a kind in a database (what seeding fills) */
  all(kind: KeyKind, db: number): Buffer[] {
    const out: Buffer[] = [];
    const tags = this.clusterSource ? this.tags : [null, ...this.tags];
    for (const tag of tags) for (let i = 0; i < (tag === null ? SPREAD : PER_TAG); i++) out.push(this.name(kind, i, { db, tag }));
    return out;
  }

  /** a key nobody else uses (blocking pops wait on fresh keys so they surely block) */
  fresh(kind: KeyKind, s: Scope, label: string): Buffer {
    const db = s.db === 0 ? "" : `d${s.db}:`;
    const tag = s.tag === null ? "" : `{${s.tag}}`;
    return Buffer.from(`${db}${tag}${kind}:${label}`);
  }
}
