/**
 * Where the keys of a replicated command are, and how a command must be treated when the destination
 * cannot run it as-is (a cluster where its keys live in different slots). The table covers what any
 * Redis from 2.8 to 7.4 writes to its replication stream; commands it does not know fall back to the
 * key positions the server itself reports (COMMAND INFO key specs, COMMAND GETKEYS), see
 * `./command-keys.ts`.
 */
import { georadiusKeys, sortKeys } from "./keyword-keys";

export type CrossSlot =
  /** each key can be written on its own and the result is the same (DEL, MSET…) */
  | "split"
  /** a store command: copy its inputs next to the destination key, run it there */
  | "colocate"
  /** moves or copies a whole value from one key to another (RENAME, COPY, SMOVE, LMOVE…) */
  | "move"
  /** cannot be done exactly across slots (scripts): reported, the task's policy decides */
  | "none";

export interface CommandSpec {
  /** index of the first key, 0 = no keys */
  first: number;
  /** index of the last key; negative counts from the end (-1 = last argument) */
  last: number;
  step: number;
  /** argument index holding the number of keys that follow it (EVAL, ZUNIONSTORE, LMPOP…) */
  numkeysAt?: number;
  /** for numkeys commands: a destination key before the numkeys argument (ZUNIONSTORE dst n k…) */
  destAt?: number;
  crossSlot: CrossSlot;
  /**
   * Finds the keys of one argv itself (keyword options, the server's key specs), overriding
   * first/last/step: argument indices, or null when only the server can tell (COMMAND GETKEYS).
   */
  find?(argv: Buffer[]): number[] | null;
  /** for "colocate" commands outside the table: the one key written and the keys only read, or null */
  layout?(argv: Buffer[]): StoreLayout | null;
}

/** Where the keys of commands outside the table are, as the servers report them (command-keys.ts). */
export interface LearnedCommands {
  get(name: string): CommandSpec | undefined;
  /** planning this call needs the destination first (COMMAND GETKEYS): await resolve(), then plan */
  pending(name: string, argv: Buffer[]): boolean;
  resolve(name: string, argv: Buffer[]): Promise<void>;
}

/** Which argument a store command writes and which it only reads. */
export interface StoreLayout {
  dest: number;
  inputs: number[];
}

const single: CommandSpec = { first: 1, last: 1, step: 1, crossSlot: "none" };
const all = (crossSlot: CrossSlot, first = 1): CommandSpec => ({ first, last: -1, step: 1, crossSlot });
const pair = (crossSlot: CrossSlot): CommandSpec => ({ first: 1, last: 2, step: 1, crossSlot });
const numkeys = (at: number, crossSlot: CrossSlot, destAt?: number): CommandSpec => ({ first: at + 1, last: at, step: 1, numkeysAt: at, destAt, crossSlot });

const SINGLE_KEY = [
  "append", "decr", "decrby", "incr", "incrby", "incrbyfloat", "getset", "getdel", "getex", "set", "setex", "psetex",
  "setnx", "setrange", "setbit", "bitfield", "expire", "pexpire", "expireat", "pexpireat", "persist", "hdel", "hincrby",
  "hincrbyfloat", "hmset", "hset", "hsetnx", "hexpire", "hpexpire", "hexpireat", "hpexpireat", "hpersist", "hgetdel", "hgetex", "hsetex",
  "linsert", "lpop", "lpush", "lpushx", "lrem", "lset", "ltrim", "rpop", "rpush", "rpushx", "sadd", "spop", "srem",
  "zadd", "zincrby", "zrem", "zremrangebylex", "zremrangebyrank", "zremrangebyscore", "zpopmin", "zpopmax", "pfadd",
  "geoadd", "xadd", "xdel", "xtrim", "xsetid", "xack", "xclaim", "xautoclaim", "restore", "restore-asking",
  "move", "touch",
];

const keyword = (find: (argv: Buffer[]) => number[]): CommandSpec => ({ first: 1, last: 1, step: 1, crossSlot: "colocate", find });

export const COMMAND_SPECS: ReadonlyMap<string, CommandSpec> = new Map<string, CommandSpec>([
  ...SINGLE_KEY.map((n) => [n, single] as [string, CommandSpec]),
  ["xgroup", { first: 2, last: 2, step: 1, crossSlot: "none" }],
  ["sort", keyword(sortKeys)],
  // PFCOUNT of one key rewrites the cached cardinality and is replicated; PFDEBUG TODENSE converts
  ["pfcount", all("none")],
  ["pfdebug", { first: 2, last: 2, step: 1, crossSlot: "none" }],
  ["del", all("split")],
  ["unlink", all("split")],
  ["exists", all("split")],
  ["mset", { first: 1, last: -1, step: 2, crossSlot: "split" }],
  ["msetnx", { first: 1, last: -1, step: 2, crossSlot: "split" }],
  ["rename", pair("move")],
  ["renamenx", pair("move")],
  ["copy", pair("move")],
  ["rpoplpush", pair("move")],
  ["brpoplpush", pair("move")],
  ["lmove", pair("move")],
  ["blmove", pair("move")],
  ["smove", pair("move")],
  ["sdiffstore", all("colocate")],
  ["sinterstore", all("colocate")],
  ["sunionstore", all("colocate")],
  ["pfmerge", all("colocate")],
  ["bitop", all("colocate", 2)],
  ["zrangestore", pair("colocate")],
  ["geosearchstore", pair("colocate")],
  ["georadius", keyword(georadiusKeys)],
  ["georadiusbymember", keyword(georadiusKeys)],
  ["zunionstore", numkeys(2, "colocate", 1)],
  ["zinterstore", numkeys(2, "colocate", 1)],
  ["zdiffstore", numkeys(2, "colocate", 1)],
  ["lmpop", numkeys(1, "none")],
  ["zmpop", numkeys(1, "none")],
  ["blmpop", numkeys(2, "none")],
  ["bzmpop", numkeys(2, "none")],
  ["blpop", { first: 1, last: -2, step: 1, crossSlot: "none" }],
  ["brpop", { first: 1, last: -2, step: 1, crossSlot: "none" }],
  ["bzpopmin", { first: 1, last: -2, step: 1, crossSlot: "none" }],
  ["bzpopmax", { first: 1, last: -2, step: 1, crossSlot: "none" }],
  ["eval", numkeys(2, "none")],
  ["evalsha", numkeys(2, "none")],
  ["eval_ro", numkeys(2, "none")],
  ["evalsha_ro", numkeys(2, "none")],
  ["fcall", numkeys(2, "none")],
  ["fcall_ro", numkeys(2, "none")],
]);

/** Commands without keys that the apply stage handles itself. */
export const KEYLESS = new Set([
  "select", "multi", "exec", "discard", "ping", "replconf", "publish", "spublish", "flushall", "flushdb", "swapdb",
  "script", "function", "watch", "unwatch",
]);

/** Returns the argument indices of the keys of argv (argv[0] is the command name). */
export function keyIndices(spec: CommandSpec, argc: number): number[] {
  const out: number[] = [];
  if (spec.first === 0) return out;
  if (spec.numkeysAt !== undefined) return out; // resolved by keyIndicesOf, which can read numkeys
  const last = spec.last < 0 ? argc + spec.last : spec.last;
  for (let i = spec.first; i <= last && i < argc; i += spec.step) out.push(i);
  return out;
}

/**
 * Key indices for a concrete argv, reading numkeys where the spec says so. Throws on malformed argv;
 * null when only the server can tell where this command's keys are.
 */
export function keyIndicesOf(spec: CommandSpec, argv: Buffer[]): number[] | null {
  if (spec.find) return spec.find(argv);
  if (spec.numkeysAt === undefined) return keyIndices(spec, argv.length);
  const raw = argv[spec.numkeysAt];
  const n = raw ? Number(raw.toString()) : NaN;
  if (!Number.isInteger(n) || n < 0 || spec.numkeysAt + n >= argv.length + (n === 0 ? 1 : 0)) {
    throw new Error(`malformed ${argv[0].toString()}: bad numkeys`);
  }
  const out: number[] = [];
  if (spec.destAt !== undefined) out.push(spec.destAt);
  for (let i = 0; i < n; i++) out.push(spec.numkeysAt + 1 + i);
  return out;
}

const NAME_CACHE = new Map<string, string>();
/**
 * Names seen recently, by their bytes: a slot per (length, first and last byte). A stream repeats a
 * few names, so most lookups compare a handful of bytes instead of decoding a string (several times
 * per command on the apply path, which made Buffer#toString one of its largest costs).
 */
const MEMO_SLOTS = 64;
const memoBytes: (Buffer | null)[] = new Array(MEMO_SLOTS).fill(null);
const memoNames: string[] = new Array(MEMO_SLOTS).fill("");

/** The lower-case command name of argv[0], without a new string per command for the usual names. */
export function commandName(arg: Buffer): string {
  const n = arg.length;
  const slot = n === 0 ? 0 : (n * 31 + (arg[0] | 0x20) * 7 + (arg[n - 1] | 0x20)) & (MEMO_SLOTS - 1);
  const seen = memoBytes[slot];
  if (seen !== null && seen.length === n) {
    let i = 0;
    while (i < n && seen[i] === arg[i]) i++;
    if (i === n) return memoNames[slot];
  }
  const raw = arg.toString("latin1");
  let name = NAME_CACHE.get(raw);
  if (name === undefined) {
    name = raw.toLowerCase();
    if (NAME_CACHE.size < 1024) NAME_CACHE.set(raw, name);
  }
  if (n <= 32) {
    memoBytes[slot] = Buffer.from(arg);
    memoNames[slot] = name;
  }
  return name;
}
