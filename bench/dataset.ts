import type { Arg } from "../server/engine/resp/encoder";

/**
 * The reference "1M mixed" dataset of ../shared/notes/baselines.md, reproducible by seed: per 20 keys
 * 14 strings (16-128 random alphanumeric bytes), 2 hashes (10 fields, 8-48 B values), 2 lists and
 * 1 set of 10 elements, 1 zset of 10 members; about 10% of keys carry a TTL of 1-7 days.
 * Values are slices of one seeded alphanumeric pool: random to Redis (LZF finds nothing to compress
 * inside a value) while generating 1M keys costs a fraction of a second.
 */

export type KeyKind = "string" | "hash" | "list" | "set" | "zset";

/** The kinds of 20 consecutive keys (interleaved so any range of keys has the mix). */
export const KIND_PATTERN: readonly KeyKind[] = [
  "string", "string", "hash", "string", "string", "list", "string", "string", "set", "string",
  "string", "zset", "string", "string", "hash", "string", "string", "list", "string", "string",
];

export const TTL_FRACTION = 0.1;
export const TTL_MIN_S = 86_400;
export const TTL_MAX_S = 7 * 86_400;
const ELEMENTS = 10;
const STRING_MAX_BYTES = 128;
const ELEMENT_MAX_BYTES = 48;
const MEMBER_MAX_BYTES = 40;

/**
 * The largest value one key of the dataset can hold, in payload bytes (a collection counted whole,
 * field names and member suffixes included): the memory target of issue 15 is "largest value + 150 MiB".
 */
export function largestValueBytes(): number {
  const suffix = `:${ELEMENTS - 1}`.length;
  const hash = ELEMENTS * (`field:${ELEMENTS - 1}`.length + ELEMENT_MAX_BYTES);
  const list = ELEMENTS * ELEMENT_MAX_BYTES;
  // a zset score travels as at most 7 characters ("9999.99") or as an 8-byte double: 8 covers both
  const zset = ELEMENTS * (MEMBER_MAX_BYTES + suffix + 8);
  const set = ELEMENTS * (MEMBER_MAX_BYTES + suffix);
  return Math.max(STRING_MAX_BYTES, hash, list, zset, set);
}

export interface DatasetOptions {
  keys: number;
  seed: number;
  /** key name prefix (default "bench:") */
  prefix?: string;
}

export interface DatasetKey {
  index: number;
  key: string;
  kind: KeyKind;
  /** seconds, or 0 for no TTL */
  ttl: number;
  /** the commands that create the key (the TTL rides on SET, or a trailing EXPIRE) */
  commands: Arg[][];
}

/** sfc32 seeded through splitmix32: fast, 32-bit, and identical on every platform. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  constructor(seed: number) {
    let s = seed >>> 0;
    const mix = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = mix();
    this.b = mix();
    this.c = mix();
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** [0, 1) */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** an integer in [lo, hi] */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }
}

const ALNUM = Buffer.from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
const POOL_BYTES = 1 << 20;

function alnumPool(rng: Rng): Buffer {
  const pool = Buffer.allocUnsafe(POOL_BYTES);
  for (let i = 0; i < POOL_BYTES; i++) pool[i] = ALNUM[rng.u32() % ALNUM.length];
  return pool;
}

/** Every key of the dataset with the commands that create it, in key order. */
export function* datasetKeys(o: DatasetOptions): Generator<DatasetKey> {
  const rng = new Rng(o.seed);
  const pool = alnumPool(rng);
  const prefix = o.prefix ?? "bench:";
  const value = (min: number, max: number): Buffer => {
    const len = rng.int(min, max);
    const at = rng.int(0, POOL_BYTES - len);
    return pool.subarray(at, at + len);
  };
  for (let index = 0; index < o.keys; index++) {
    const kind = KIND_PATTERN[index % KIND_PATTERN.length];
    const key = `${prefix}${index}`;
    const ttl = rng.float() < TTL_FRACTION ? rng.int(TTL_MIN_S, TTL_MAX_S) : 0;
    const commands: Arg[][] = [];
    let create: Arg[];
    switch (kind) {
      case "string":
        create = ["SET", key, value(16, STRING_MAX_BYTES)];
        if (ttl) create.push("EX", String(ttl));
        commands.push(create);
        break;
      case "hash":
        create = ["HSET", key];
        for (let f = 0; f < ELEMENTS; f++) create.push(`field:${f}`, value(8, ELEMENT_MAX_BYTES));
        commands.push(create);
        break;
      case "list":
        create = ["RPUSH", key];
        for (let e = 0; e < ELEMENTS; e++) create.push(value(8, ELEMENT_MAX_BYTES));
        commands.push(create);
        break;
      case "set":
        // distinct members: a suffix keeps two equal pool slices from merging
        create = ["SADD", key];
        for (let m = 0; m < ELEMENTS; m++) create.push(Buffer.concat([value(8, MEMBER_MAX_BYTES), Buffer.from(`:${m}`)]));
        commands.push(create);
        break;
      case "zset":
        create = ["ZADD", key];
        for (let m = 0; m < ELEMENTS; m++) create.push(String(rng.int(0, 1_000_000) / 100), Buffer.concat([value(8, MEMBER_MAX_BYTES), Buffer.from(`:${m}`)]));
        commands.push(create);
        break;
    }
    if (ttl && kind !== "string") commands.push(["EXPIRE", key, String(ttl)]);
    yield { index, key, kind, ttl, commands };
  }
}

/** How many keys of each kind (and with a TTL) the first `keys` keys hold, without generating values. */
export function expectedMix(keys: number): Record<KeyKind, number> {
  const mix: Record<KeyKind, number> = { string: 0, hash: 0, list: 0, set: 0, zset: 0 };
  const whole = Math.floor(keys / KIND_PATTERN.length);
  for (const kind of KIND_PATTERN) mix[kind] += whole;
  for (let i = 0; i < keys % KIND_PATTERN.length; i++) mix[KIND_PATTERN[i]]++;
  return mix;
}
