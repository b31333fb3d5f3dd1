import type { StreamConsumer, StreamEntry, StreamGroup, StreamPendingEntry, StreamValue } from "../values/typed-value";
import { asArray, asBuffer, asInt, asRecord, asText } from "./reply";
import { run, type CommandRunner } from "./command-runner";

/**
 * A stream read back from a live server: `XINFO STREAM key FULL COUNT n` gives the metadata, the
 * consumer groups with their PEL and consumers, and the first n entries; XRANGE pages the rest.
 */

export interface StreamInfo {
  value: StreamValue;
  /** the largest PEL of a group or consumer: XINFO truncates both at COUNT */
  maxPel: number;
}

/** Parses an `XINFO STREAM key FULL` reply (entries included as far as COUNT allowed). */
export function parseStreamFull(reply: unknown): StreamInfo {
  const what = "XINFO STREAM FULL";
  const info = asRecord(reply, what);
  const opt = (name: string) => (info.has(name) ? info.get(name) : undefined);
  const groups: StreamGroup[] = [];
  let maxPel = 0;
  for (const g of asArray(info.get("groups") ?? [], what)) {
    const group = asRecord(g, what);
    maxPel = Math.max(maxPel, asInt(group.get("pel-count") ?? 0, what));
    const pending: StreamPendingEntry[] = asArray(group.get("pending") ?? [], what).map((p) => {
      const [id, consumer, time, count] = asArray(p, what);
      return { id: asText(id, what), consumer: asBuffer(consumer, what), deliveryTime: asInt(time, what), deliveryCount: asInt(count, what) };
    });
    const consumers: StreamConsumer[] = asArray(group.get("consumers") ?? [], what).map((c) => {
      const consumer = asRecord(c, what);
      maxPel = Math.max(maxPel, asInt(consumer.get("pel-count") ?? 0, what));
      const out: StreamConsumer = {
        name: asBuffer(consumer.get("name"), what),
        seenTime: asInt(consumer.get("seen-time") ?? 0, what),
        pending: asArray(consumer.get("pending") ?? [], what).map((p) => asText(asArray(p, what)[0], what)),
      };
      if (consumer.has("active-time")) out.activeTime = asInt(consumer.get("active-time"), what);
      return out;
    });
    const out: StreamGroup = { name: asBuffer(group.get("name"), what), lastId: asText(group.get("last-delivered-id"), what), pending, consumers };
    // nil entries-read means "unknown" (SCG_INVALID_ENTRIES_READ); -1 keeps it comparable
    if (group.has("entries-read")) out.entriesRead = group.get("entries-read") === null ? -1 : asInt(group.get("entries-read"), what);
    groups.push(out);
  }
  const value: StreamValue = {
    entries: parseEntries(info.get("entries") ?? [], what),
    length: asInt(info.get("length"), what),
    lastId: asText(info.get("last-generated-id"), what),
    groups,
  };
  if (opt("recorded-first-entry-id") !== undefined) value.firstId = asText(opt("recorded-first-entry-id"), what);
  if (opt("max-deleted-entry-id") !== undefined) value.maxDeletedId = asText(opt("max-deleted-entry-id"), what);
  if (opt("entries-added") !== undefined) value.entriesAdded = asInt(opt("entries-added"), what);
  return { value, maxPel };
}

/** `[[id, [field, value, …]], …]` from XRANGE or XINFO FULL. */
export function parseEntries(reply: unknown, what: string): StreamEntry[] {
  return asArray(reply, what).map((e) => {
    const [id, fields] = asArray(e, what);
    return { id: asText(id, what), fields: fields === null ? [] : asArray(fields, what).map((f) => asBuffer(f, what)) };
  });
}

/** Every entry of a stream, `pageSize` per XRANGE; the exclusive start `(id` needs Redis 6.2+. */
export async function readAllEntries(client: CommandRunner, key: Buffer, pageSize: number): Promise<StreamEntry[]> {
  const out: StreamEntry[] = [];
  let start = "-";
  for (;;) {
    const page = parseEntries(await run(client, "XRANGE", key, start, "+", "COUNT", pageSize), "XRANGE");
    for (const e of page) out.push(e);
    if (page.length < pageSize) return out;
    start = `(${page[page.length - 1].id}`;
  }
}

/**
 * Completes a stream whose XINFO reply was truncated: all entries by XRANGE, and the groups again
 * with a COUNT large enough for the biggest PEL (XINFO has no cursor for PELs).
 */
export async function completeStream(client: CommandRunner, key: Buffer, first: StreamInfo, pageSize: number): Promise<StreamValue> {
  const value = { ...first.value };
  if (first.maxPel > pageSize) {
    const again = parseStreamFull(await run(client, "XINFO", "STREAM", key, "FULL", "COUNT", first.maxPel));
    value.groups = again.value.groups;
  }
  if (value.entries.length < value.length) value.entries = await readAllEntries(client, key, pageSize);
  return value;
}
