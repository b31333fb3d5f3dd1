import type { Redis } from "ioredis";
import { run, toRunner, type CommandArg, type CommandRunner } from "./command-runner";
import type { HashField, RedisType, TypedValue, ZsetEntry } from "../values/typed-value";
import { asArray, asBuffer, asInt, asScore, asText, flatPairs } from "./reply";
import { completeStream, parseStreamFull, type StreamInfo } from "./read-stream";
import { serverCapabilities } from "./capabilities";

/**
 * Reads keys from a live server into TypedValue + absolute expiry, binary-safe (Buffer replies only).
 * Many keys at once: one pipeline for TYPE + expiry, one for the first page of every value; only
 * the values bigger than a page are then read page by page (LRANGE / SSCAN / HSCAN / ZRANGE /
 * XRANGE), so a big collection never arrives in one reply and small keys cost no extra round trip.
 * A key that changes type between the two pipelines is read again on its own.
 */

export interface LiveKey {
  key: Buffer;
  value: TypedValue;
  /** absolute expiry in ms since the epoch, null when the key is persistent */
  expireAt: number | null;
}

export interface ReadKeyOptions {
  /** elements per page of a collection (default 1000) */
  pageSize?: number;
}

const DEFAULT_PAGE = 1000;
const MAX_ATTEMPTS = 5;

export async function readKey(client: Redis | CommandRunner, key: Buffer | string, opts: ReadKeyOptions = {}): Promise<LiveKey | null> {
  return (await readKeys(client, [typeof key === "string" ? Buffer.from(key) : key], opts))[0];
}

/** One result per key, in order; null for a key that does not exist. */
export async function readKeys(redis: Redis | CommandRunner, keys: Buffer[], opts: ReadKeyOptions = {}): Promise<(LiveKey | null)[]> {
  const client = toRunner(redis);
  const pageSize = Math.max(1, opts.pageSize ?? DEFAULT_PAGE);
  if (keys.length === 0) return [];
  const caps = await serverCapabilities(client);
  const heads = await exec(client, keys, (k) => [["TYPE", k], [caps.pexpiretime ? "PEXPIRETIME" : "PTTL", k]]);
  const now = Date.now();
  const types = keys.map((_, i) => asText(heads[i * 2], "TYPE") as RedisType | "none");
  const expiries = keys.map((_, i) => toExpireAt(asInt(heads[i * 2 + 1], "PTTL"), caps.pexpiretime, now));
  const firsts = await exec(client, keys, (k, i) => [firstPage(types[i], k, pageSize)]);
  const out: (LiveKey | null)[] = [];
  for (let i = 0; i < keys.length; i++) {
    if (types[i] === "none") {
      out.push(null);
      continue;
    }
    let value: TypedValue | null = null;
    try {
      value = await finish(client, keys[i], types[i] as RedisType, firsts[i], pageSize);
    } catch (err) {
      if (!isChangedUnderUs(err)) throw err;
    }
    out.push(value ? { key: keys[i], value, expireAt: expiries[i] } : await readAlone(client, keys[i], pageSize));
  }
  if (caps.hashFieldExpiry) await addFieldExpiries(client, out);
  return out;
}

function toExpireAt(reply: number, absolute: boolean, now: number): number | null {
  if (reply < 0) return null; // -1 persistent, -2 gone (TYPE then says none)
  return absolute ? reply : now + reply;
}

/** A key that changed between pipelines: read it again alone until two views agree. */
async function readAlone(client: CommandRunner, key: Buffer, pageSize: number): Promise<LiveKey | null> {
  let lastErr: unknown;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    try {
      return await readOnce(client, key, pageSize);
    } catch (err) {
      if (!isChangedUnderUs(err)) throw err;
      lastErr = err;
    }
  }
  throw lastErr;
}

async function readOnce(client: CommandRunner, key: Buffer, pageSize: number): Promise<LiveKey | null> {
  const caps = await serverCapabilities(client);
  const [type, ttl] = await exec(client, [key], (k) => [["TYPE", k], [caps.pexpiretime ? "PEXPIRETIME" : "PTTL", k]]);
  const now = Date.now();
  const t = asText(type, "TYPE") as RedisType | "none";
  if (t === "none") return null;
  const [first] = await exec(client, [key], (k) => [firstPage(t, k, pageSize)]);
  const value = await finish(client, key, t, first, pageSize);
  return { key, value, expireAt: toExpireAt(asInt(ttl, "PTTL"), caps.pexpiretime, now) };
}

/** One pipeline of the commands `add` gives for each key; a reply error is returned in place. */
function exec(client: CommandRunner, keys: Buffer[], add: (key: Buffer, i: number) => CommandArg[][]): Promise<unknown[]> {
  return client.batch(keys.flatMap((k, i) => add(k, i)));
}

function firstPage(type: RedisType | "none", key: Buffer, pageSize: number): CommandArg[] {
  switch (type) {
    case "none": return ["ECHO", ""];
    case "string": return ["GET", key];
    case "list": return ["LRANGE", key, 0, pageSize - 1];
    case "set": return ["SSCAN", key, "0", "COUNT", pageSize];
    case "hash": return ["HSCAN", key, "0", "COUNT", pageSize];
    case "zset": return ["ZRANGE", key, 0, pageSize - 1, "WITHSCORES"];
    case "stream": return ["XINFO", "STREAM", key, "FULL", "COUNT", pageSize];
    default: return ["ECHO", ""]; // a module type: its name is all we can read
  }
}

async function finish(client: CommandRunner, key: Buffer, type: RedisType, first: unknown, pageSize: number): Promise<TypedValue> {
  if (first instanceof Error) throw first;
  switch (type) {
    case "string":
      if (first === null) throw new ChangedError(); // deleted between the pipelines
      return { type, value: asBuffer(first, "GET") };
    case "list": return { type, items: await readList(client, key, first, pageSize) };
    case "set": return { type, members: await scanAll(client, "SSCAN", key, first, pageSize, 1).then((m) => m.map((x) => x[0])) };
    case "hash": {
      const pairs = await scanAll(client, "HSCAN", key, first, pageSize, 2);
      return { type, fields: pairs.map(([field, value]): HashField => ({ field, value })) };
    }
    case "zset": return { type, entries: await readZset(client, key, first, pageSize) };
    case "stream": {
      const info: StreamInfo = parseStreamFull(first);
      return { type, stream: await completeStream(client, key, info, pageSize) };
    }
    default: return { type: "module", moduleName: type };
  }
}

async function readList(client: CommandRunner, key: Buffer, first: unknown, pageSize: number): Promise<Buffer[]> {
  const items = asArray(first, "LRANGE").map((b) => asBuffer(b, "LRANGE"));
  for (let page = items.length; page === pageSize; ) {
    const next = asArray(await run(client, "LRANGE", key, items.length, items.length + pageSize - 1), "LRANGE");
    for (const b of next) items.push(asBuffer(b, "LRANGE"));
    page = next.length;
  }
  return items;
}

async function readZset(client: CommandRunner, key: Buffer, first: unknown, pageSize: number): Promise<ZsetEntry[]> {
  const entries: ZsetEntry[] = [];
  const add = (reply: unknown) => {
    const flat = flatPairs(reply, "ZRANGE");
    for (let i = 0; i + 1 < flat.length; i += 2) entries.push({ member: asBuffer(flat[i], "ZRANGE"), score: asScore(flat[i + 1], "ZRANGE") });
    return flat.length / 2;
  };
  for (let got = add(first); got === pageSize; ) {
    got = add(await run(client, "ZRANGE", key, entries.length, entries.length + pageSize - 1, "WITHSCORES"));
  }
  return entries;
}

/**
 * SSCAN/HSCAN to the end. SCAN may return an element twice (while the table rehashes): the last
 * sighting wins, keyed by the member's bytes.
 */
async function scanAll(client: CommandRunner, cmd: "SSCAN" | "HSCAN", key: Buffer, first: unknown, pageSize: number, width: 1 | 2): Promise<Buffer[][]> {
  const seen = new Map<string, Buffer[]>();
  let reply = first;
  for (;;) {
    const [cursor, items] = asArray(reply, cmd);
    const flat = asArray(items, cmd);
    for (let i = 0; i + width - 1 < flat.length; i += width) {
      const tuple = flat.slice(i, i + width).map((b) => asBuffer(b, cmd));
      seen.set(tuple[0].toString("latin1"), tuple);
    }
    const next = asText(cursor, cmd);
    if (next === "0") return [...seen.values()];
    reply = await run(client, cmd, key, next, "COUNT", pageSize);
  }
}

/** Redis 7.4 hash-field expiry: HPEXPIRETIME for every field of every hash read. */
async function addFieldExpiries(client: CommandRunner, keys: (LiveKey | null)[]): Promise<void> {
  for (const k of keys) {
    if (!k || k.value.type !== "hash" || k.value.fields.length === 0) continue;
    const fields = k.value.fields;
    for (let i = 0; i < fields.length; i += DEFAULT_PAGE) {
      const chunk = fields.slice(i, i + DEFAULT_PAGE);
      const reply = asArray(await run(client, "HPEXPIRETIME", k.key, "FIELDS", chunk.length, ...chunk.map((f) => f.field)), "HPEXPIRETIME");
      chunk.forEach((f, j) => {
        const at = asInt(reply[j], "HPEXPIRETIME");
        if (at >= 0) f.expireAt = at;
      });
    }
  }
}

class ChangedError extends Error {
  constructor() {
    super("the key changed while it was read");
  }
}

/** the key changed type, or went (XINFO STREAM of a deleted stream says "no such key"), between two pipelines */
function isChangedUnderUs(err: unknown): boolean {
  return err instanceof ChangedError || (err instanceof Error && /^(WRONGTYPE|ERR no such key)/.test(err.message));
}
