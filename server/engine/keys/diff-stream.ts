import type { StreamConsumer, StreamGroup, StreamValue } from "../values/typed-value";
import type { DiffOptions, ValueDifference } from "./value-difference";
import { printable } from "../values/printable";

/**
 * Stream equality on canonical streams (groups, consumers and PELs already sorted): entries in
 * order, the metadata Redis keeps (last ID, and on RDB 10+ first ID, max deleted ID, entries
 * added) and every consumer group. Optional metadata is compared when both sides have it, so a
 * stream read from an older server still compares.
 */
export function diffStreams(a: StreamValue, b: StreamValue, opts: DiffOptions): ValueDifference | null {
  if (a.length !== b.length) return { kind: "length", detail: `stream length ${a.length} vs ${b.length}` };
  if (a.entries.length !== b.entries.length) return { kind: "length", detail: `stream entries ${a.entries.length} vs ${b.entries.length}` };
  for (let i = 0; i < a.entries.length; i++) {
    const x = a.entries[i];
    const y = b.entries[i];
    if (x.id !== y.id) return value(`stream entry ${i}: id ${x.id} vs ${y.id}`);
    if (x.fields.length !== y.fields.length || x.fields.some((f, j) => !f.equals(y.fields[j]))) return value(`stream entry ${x.id} has other fields`);
  }
  if (a.lastId !== b.lastId) return value(`stream last id ${a.lastId} vs ${b.lastId}`);
  const meta = [
    ["first id", a.firstId, b.firstId],
    ["max deleted id", a.maxDeletedId, b.maxDeletedId],
    ["entries added", a.entriesAdded, b.entriesAdded],
  ] as const;
  for (const [name, x, y] of meta) if (x !== undefined && y !== undefined && x !== y) return value(`stream ${name} ${x} vs ${y}`);
  if (a.groups.length !== b.groups.length) return value(`stream groups ${a.groups.length} vs ${b.groups.length}`);
  for (let i = 0; i < a.groups.length; i++) {
    const d = diffGroups(a.groups[i], b.groups[i], opts);
    if (d) return value(d);
  }
  return null;
}

function value(detail: string): ValueDifference {
  return { kind: "value", detail };
}

function diffGroups(a: StreamGroup, b: StreamGroup, opts: DiffOptions): string | null {
  const name = `stream group ${printable(a.name, 60)}`;
  if (!a.name.equals(b.name)) return `${name} is missing on one side`;
  if (a.lastId !== b.lastId) return `${name}: last delivered id ${a.lastId} vs ${b.lastId}`;
  if (!opts.ignoreEntriesRead && a.entriesRead !== undefined && b.entriesRead !== undefined && a.entriesRead !== b.entriesRead) {
    return `${name}: entries read ${a.entriesRead} vs ${b.entriesRead}`;
  }
  if (a.pending.length !== b.pending.length) return `${name}: pending entries ${a.pending.length} vs ${b.pending.length}`;
  for (let i = 0; i < a.pending.length; i++) {
    const x = a.pending[i];
    const y = b.pending[i];
    if (x.id !== y.id || !x.consumer.equals(y.consumer)) return `${name}: pending entry ${x.id} (${printable(x.consumer, 40)}) vs ${y.id} (${printable(y.consumer, 40)})`;
    if (x.deliveryCount !== y.deliveryCount) return `${name}: delivery count of ${x.id} ${x.deliveryCount} vs ${y.deliveryCount}`;
    if (!opts.ignoreDeliveryTimes && x.deliveryTime !== y.deliveryTime) return `${name}: delivery time of ${x.id} ${x.deliveryTime} vs ${y.deliveryTime}`;
  }
  if (a.consumers.length !== b.consumers.length) return `${name}: consumers ${a.consumers.length} vs ${b.consumers.length}`;
  for (let i = 0; i < a.consumers.length; i++) {
    const d = diffConsumers(a.consumers[i], b.consumers[i], opts);
    if (d) return `${name}: ${d}`;
  }
  return null;
}

function diffConsumers(a: StreamConsumer, b: StreamConsumer, opts: DiffOptions): string | null {
  const name = `consumer ${printable(a.name, 40)}`;
  if (!a.name.equals(b.name)) return `${name} is missing on one side`;
  if (a.pending.length !== b.pending.length || a.pending.some((id, i) => id !== b.pending[i])) return `${name} has other pending entries`;
  if (opts.ignoreConsumerTimes) return null;
  if (a.seenTime !== b.seenTime) return `${name}: seen time ${a.seenTime} vs ${b.seenTime}`;
  if (a.activeTime !== undefined && b.activeTime !== undefined && a.activeTime !== b.activeTime) return `${name}: active time ${a.activeTime} vs ${b.activeTime}`;
  return null;
}
