import type { HashField, StreamGroup, StreamId, StreamValue, TypedValue, ZsetEntry } from "../values/typed-value";
import { printable } from "../values/printable";
import { diffStreams } from "./diff-stream";
import type { DiffOptions, ValueDifference } from "./value-difference";

export type { DiffOptions, ValueDifference };

/**
 * Equality of Redis values as Redis means it: set members, hash fields, zset members and stream
 * groups/consumers/PEL have no order; list items and stream entries do. Scores are compared exactly
 * (Object.is: -0 and 0 are different scores to ZSCORE's output, and RDB doubles are exact).
 */

export function valuesEqual(a: TypedValue, b: TypedValue, opts: DiffOptions = {}): boolean {
  return diffValues(a, b, opts) === null;
}

/** The first difference between two values, or null when they are equal. */
export function diffValues(a: TypedValue, b: TypedValue, opts: DiffOptions = {}): ValueDifference | null {
  if (a.type !== b.type) return { kind: "type", detail: `type ${a.type} vs ${b.type}` };
  const ca = canonicalize(a);
  const cb = canonicalize(b);
  switch (ca.type) {
    case "string": {
      const y = (cb as typeof ca).value;
      if (ca.value.length !== y.length) return { kind: "length", detail: `string length ${ca.value.length} vs ${y.length}` };
      const at = firstDifferentByte(ca.value, y);
      return at < 0 ? null : { kind: "value", detail: `string differs at byte ${at}` };
    }
    case "list": {
      const y = (cb as typeof ca).items;
      if (ca.items.length !== y.length) return { kind: "length", detail: `list length ${ca.items.length} vs ${y.length}` };
      const at = ca.items.findIndex((item, i) => !item.equals(y[i]));
      return at < 0 ? null : { kind: "value", detail: `list item ${at} differs` };
    }
    case "set": {
      const y = (cb as typeof ca).members;
      if (ca.members.length !== y.length) return { kind: "length", detail: `set size ${ca.members.length} vs ${y.length}` };
      const at = ca.members.findIndex((m, i) => !m.equals(y[i]));
      return at < 0 ? null : { kind: "value", detail: `set member ${printable(ca.members[at], 60)} differs` };
    }
    case "zset": return diffZsets(ca.entries, (cb as typeof ca).entries);
    case "hash": return diffHashes(ca.fields, (cb as typeof ca).fields, opts.timeToleranceMs ?? 0);
    case "stream": return diffStreams(ca.stream, (cb as typeof ca).stream, opts);
    case "module": {
      const y = (cb as typeof ca).moduleName;
      return ca.moduleName === y ? null : { kind: "type", detail: `module type ${ca.moduleName} vs ${y}` };
    }
  }
}

function firstDifferentByte(a: Buffer, b: Buffer): number {
  if (a.equals(b)) return -1;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return a.length;
}

function diffZsets(a: ZsetEntry[], b: ZsetEntry[]): ValueDifference | null {
  if (a.length !== b.length) return { kind: "length", detail: `zset size ${a.length} vs ${b.length}` };
  for (let i = 0; i < a.length; i++) {
    if (!a[i].member.equals(b[i].member)) return { kind: "value", detail: `zset member ${printable(a[i].member, 60)} differs` };
    if (!Object.is(a[i].score, b[i].score)) return { kind: "value", detail: `zset score of ${printable(a[i].member, 60)}: ${a[i].score} vs ${b[i].score}` };
  }
  return null;
}

function diffHashes(a: HashField[], b: HashField[], tolerance: number): ValueDifference | null {
  if (a.length !== b.length) return { kind: "length", detail: `hash size ${a.length} vs ${b.length}` };
  for (let i = 0; i < a.length; i++) {
    const name = printable(a[i].field, 60);
    if (!a[i].field.equals(b[i].field)) return { kind: "value", detail: `hash field ${name} differs` };
    if (!a[i].value.equals(b[i].value)) return { kind: "value", detail: `hash field ${name} has another value` };
    const ea = a[i].expireAt;
    const eb = b[i].expireAt;
    if ((ea === undefined) !== (eb === undefined) || (ea !== undefined && eb !== undefined && Math.abs(ea - eb) > tolerance)) {
      return { kind: "value", detail: `hash field ${name} expiry ${ea ?? "none"} vs ${eb ?? "none"}` };
    }
  }
  return null;
}

/** The value with every unordered part in a fixed order (bytes order; stream IDs numerically). */
export function canonicalize(v: TypedValue): TypedValue {
  switch (v.type) {
    case "set": return { type: "set", members: dedupe([...v.members].sort(Buffer.compare)) };
    case "hash": return { type: "hash", fields: [...v.fields].sort((x, y) => Buffer.compare(x.field, y.field)) };
    case "zset": return { type: "zset", entries: [...v.entries].sort((x, y) => Buffer.compare(x.member, y.member)) };
    case "stream": return { type: "stream", stream: canonicalStream(v.stream) };
    default: return v;
  }
}

function dedupe(sorted: Buffer[]): Buffer[] {
  return sorted.filter((m, i) => i === 0 || !m.equals(sorted[i - 1]));
}

function canonicalStream(s: StreamValue): StreamValue {
  const groups = s.groups
    .map((g): StreamGroup => ({
      ...g,
      entriesRead: normalizeEntriesRead(g.entriesRead),
      pending: [...g.pending].sort((x, y) => compareStreamIds(x.id, y.id)),
      consumers: [...g.consumers]
        .sort((x, y) => Buffer.compare(x.name, y.name))
        .map((c) => ({ ...c, pending: [...c.pending].sort(compareStreamIds) })),
    }))
    .sort((x, y) => Buffer.compare(x.name, y.name));
  return { ...s, groups };
}

/** "Unknown" entries-read is nil live, -1 in memory and 2^64-1 when an RDB stores it unsigned. */
function normalizeEntriesRead(n: number | undefined): number | undefined {
  if (n === undefined) return undefined;
  return n < 0 || n > Number.MAX_SAFE_INTEGER ? -1 : n;
}

/** Orders "ms-seq" IDs numerically; both parts are 64-bit, so BigInt. */
export function compareStreamIds(a: StreamId, b: StreamId): number {
  if (a === b) return 0;
  const [am, as] = splitId(a);
  const [bm, bs] = splitId(b);
  if (am !== bm) return am < bm ? -1 : 1;
  return as < bs ? -1 : as > bs ? 1 : 0;
}

function splitId(id: StreamId): [bigint, bigint] {
  const dash = id.indexOf("-");
  try {
    return dash < 0 ? [BigInt(id), 0n] : [BigInt(id.slice(0, dash)), BigInt(id.slice(dash + 1))];
  } catch {
    return [0n, 0n];
  }
}
