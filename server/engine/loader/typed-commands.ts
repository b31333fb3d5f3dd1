import type { HashField, StreamValue } from "../values/typed-value";
import { iterateValue } from "../rdb/iterate-value";
import type { RdbKeyEntry } from "../rdb/types";
import type { Arg } from "../resp/encoder";
import type { DestinationCapabilities } from "./rdb-compat";

export interface TypedOptions {
  caps: DestinationCapabilities;
  /** bounds of one command's elements */
  maxItems: number;
  maxBytes: number;
  /** current time (ms): hash fields already expired are not written */
  now: number;
}

/** Scores as Redis parses them back exactly (shortest round-trip form; infinities spelled its way). */
export function formatScore(score: number): string {
  if (score === Infinity) return "+inf";
  if (score === -Infinity) return "-inf";
  return String(score);
}

/**
 * The commands that rebuild `entry`'s value under `target` with ordinary writes, in bounded batches:
 * for values too big for one RESTORE and for destinations too old to read the value's encoding.
 * The caller deletes `target` first and sets the key's TTL after. Whatever cannot be reproduced on
 * this destination is described in `issues`.
 */
export function* typedCommands(entry: RdbKeyEntry, target: Buffer, opts: TypedOptions, issues: string[]): Generator<Arg[]> {
  const { caps } = opts;
  let streamEntries = 0;
  let firstEntryId: string | undefined;
  const stringParts: Buffer[] = [];
  for (const batch of iterateValue(entry, { maxItems: opts.maxItems, maxBytes: opts.maxBytes })) {
    switch (batch.type) {
      case "string":
        stringParts.push(batch.value); // views of the one decoded value: no copy
        break;
      case "list":
        yield ["RPUSH", target, ...batch.items];
        break;
      case "set":
        yield ["SADD", target, ...batch.members];
        break;
      case "zset": {
        const argv: Arg[] = ["ZADD", target];
        for (const e of batch.entries) argv.push(formatScore(e.score), e.member);
        yield argv;
        break;
      }
      case "hash":
        yield* hashCommands(target, batch.fields, opts, issues);
        break;
      case "stream":
        for (const e of batch.entries) {
          yield ["XADD", target, e.id, ...e.fields];
          firstEntryId ??= e.id;
          streamEntries++;
        }
        break;
      case "stream-meta":
        yield* streamMetaCommands(target, batch.stream, streamEntries, firstEntryId, caps, issues);
        break;
      case "module":
        issues.push(`module value (${batch.moduleName}) cannot be written without that module`);
        break;
    }
  }
  if (stringParts.length > 0) yield* stringCommands(target, stringParts);
}

/**
 * A big string written with APPENDs grows by reallocation on the destination: each chunk copies the
 * whole string so far (about a second per command near 256 MB, the server blocked meanwhile).
 * The last chunk goes first instead, at its offset: the string is sized once, and the other chunks
 * are copied into place.
 */
function* stringCommands(target: Buffer, parts: Buffer[]): Generator<Arg[]> {
  if (parts.length === 1) return yield ["SET", target, parts[0]];
  const offsets: number[] = [];
  let at = 0;
  for (const p of parts) {
    offsets.push(at);
    at += p.length;
  }
  const last = parts.length - 1;
  yield ["SETRANGE", target, String(offsets[last]), parts[last]];
  for (let i = 0; i < last; i++) yield ["SETRANGE", target, String(offsets[i]), parts[i]];
}

function* hashCommands(target: Buffer, fields: HashField[], opts: TypedOptions, issues: string[]): Generator<Arg[]> {
  const live = fields.filter((f) => f.expireAt === undefined || f.expireAt > opts.now);
  if (live.length === 0) return;
  const argv: Arg[] = [opts.caps.rdbVersion >= 8 ? "HSET" : "HMSET", target];
  for (const f of live) argv.push(f.field, f.value);
  yield argv;
  const expiring = live.filter((f) => f.expireAt !== undefined);
  if (expiring.length === 0) return;
  if (!opts.caps.hashFieldExpiry) {
    issues.push(`${expiring.length} hash field expiries dropped: the destination has no hash field expiry (Redis 7.4+)`);
    return;
  }
  // one HPEXPIREAT per run of fields sharing an expiry time
  for (let i = 0; i < expiring.length; ) {
    let j = i;
    while (j < expiring.length && expiring[j].expireAt === expiring[i].expireAt) j++;
    yield ["HPEXPIREAT", target, String(expiring[i].expireAt), "FIELDS", String(j - i), ...expiring.slice(i, j).map((f) => f.field)];
    i = j;
  }
}

function compareIds(a: string, b: string): number {
  const [am, as] = a.split("-").map(BigInt);
  const [bm, bs] = b.split("-").map(BigInt);
  return am !== bm ? (am < bm ? -1 : 1) : as === bs ? 0 : as < bs ? -1 : 1;
}

/**
 * A group's entries-read counter when the RDB predates it (RDB < 10): what Redis computes itself
 * when it loads such a file, from the stream's counters (undefined where Redis cannot tell either).
 */
export function estimateEntriesRead(s: Omit<StreamValue, "entries">, firstEntryId: string | undefined, groupId: string): number | undefined {
  const added = s.entriesAdded ?? s.length;
  const maxDeleted = s.maxDeletedId ?? "0-0";
  const first = s.firstId ?? firstEntryId ?? "0-0";
  if (added === 0) return 0;
  if (s.length === 0 && compareIds(groupId, s.lastId) < 1) return added;
  const last = compareIds(groupId, s.lastId);
  if (last === 0) return added;
  if (last > 0) return undefined;
  if (maxDeleted === "0-0" || compareIds(maxDeleted, first) < 0) {
    const cmpFirst = compareIds(groupId, first);
    if (cmpFirst < 0) return added - s.length;
    if (cmpFirst === 0) return added - s.length + 1;
  }
  return undefined;
}

function* streamMetaCommands(target: Buffer, s: Omit<StreamValue, "entries">, added: number, firstEntryId: string | undefined, caps: DestinationCapabilities, issues: string[]): Generator<Arg[]> {
  if (!caps.streams) {
    issues.push("streams need Redis 5.0+ on the destination");
    return;
  }
  if (added === 0) {
    // an empty stream (all entries deleted, or made by XGROUP CREATE MKSTREAM)
    yield ["XGROUP", "CREATE", target, "__dts_tmp", "$", "MKSTREAM"];
    yield ["XGROUP", "DESTROY", target, "__dts_tmp"];
  }
  if (s.lastId !== "0-0" || caps.streamMeta7) {
    // before RDB 10 there was no counter: Redis takes the length when it loads such a file
    const setid: Arg[] = ["XSETID", target, s.lastId];
    if (caps.streamMeta7) setid.push("ENTRIESADDED", String(Math.max(s.entriesAdded ?? s.length, added)), "MAXDELETEDID", s.maxDeletedId ?? "0-0");
    yield setid;
  }
  for (const g of s.groups) {
    const create: Arg[] = ["XGROUP", "CREATE", target, g.name, g.lastId];
    const entriesRead = g.entriesRead ?? estimateEntriesRead(s, firstEntryId, g.lastId);
    if (caps.streamMeta7 && entriesRead !== undefined && entriesRead >= 0) create.push("ENTRIESREAD", String(entriesRead));
    yield create;
    for (const c of g.consumers) {
      if (caps.createConsumer) yield ["XGROUP", "CREATECONSUMER", target, g.name, c.name];
      else if (c.pending.length === 0) issues.push(`consumer ${c.name.toString()} of group ${g.name.toString()} has no pending entries and cannot be created before Redis 6.2`);
    }
    // the PEL: FORCE creates the pending entry, JUSTID leaves the delivery count to RETRYCOUNT
    for (const p of g.pending) {
      yield ["XCLAIM", target, g.name, p.consumer, "0", p.id, "TIME", String(p.deliveryTime), "RETRYCOUNT", String(p.deliveryCount), "FORCE", "JUSTID"];
    }
  }
}
