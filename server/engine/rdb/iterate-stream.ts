import type { StreamConsumer, StreamEntry, StreamGroup, StreamPendingEntry } from "../values/typed-value";
import { T, corrupt } from "./constants";
import { readStreamListpack } from "./stream-listpack";
import type { IterateOptions, ValueBatch } from "./types";
import type { ValueReader } from "./value-reader";

/**
 * A stream value (RDB_TYPE_STREAM_LISTPACKS 1/2/3): listpack nodes keyed by their master ID, then
 * length and last ID, [v2+: first ID, max deleted ID, entries added], then consumer groups with
 * their PEL (ID, delivery time, delivery count) and consumers (name, seen time, [v3: active time],
 * the IDs they own). Entries come out in batches; the metadata and groups in one final batch.
 */
export function* iterateStream(r: ValueReader, t: number, cap: IterateOptions): Generator<ValueBatch> {
  const v2 = t !== T.STREAM_LISTPACKS;
  const v3 = t === T.STREAM_LISTPACKS_3;
  let batch: StreamEntry[] = [];
  let bytes = 0;
  let lastNode = "";
  for (let nodes = r.len("the stream node count"); nodes > 0; nodes--) {
    const keyAt = r.at();
    const key = r.str("a stream node key");
    if (key.length !== 16) throw corrupt("stream node key is not a 16-byte ID", keyAt);
    const hex = key.toString("hex");
    if (hex <= lastNode) throw corrupt("stream nodes are not in ascending ID order", keyAt);
    lastNode = hex;
    const master = { ms: key.readBigUInt64BE(0), seq: key.readBigUInt64BE(8) };
    const lp = r.blob("a stream listpack");
    const entries: StreamEntry[] = [];
    readStreamListpack(lp.data, lp.start, lp.end, lp.offset, master, entries);
    for (const e of entries) {
      batch.push(e);
      bytes += 16;
      for (const f of e.fields) bytes += f.length;
      if (batch.length >= cap.maxItems || bytes >= cap.maxBytes) {
        yield { type: "stream", entries: batch };
        batch = [];
        bytes = 0;
      }
    }
  }
  if (batch.length > 0) yield { type: "stream", entries: batch };

  const length = r.len("the stream length");
  const lastId = id(r);
  const meta: { firstId?: string; maxDeletedId?: string; entriesAdded?: number } = {};
  if (v2) {
    meta.firstId = id(r);
    meta.maxDeletedId = id(r);
    meta.entriesAdded = r.len("the stream entries-added counter");
  }
  const groups: StreamGroup[] = [];
  for (let g = r.len("the consumer group count"); g > 0; g--) {
    const name = r.str("a consumer group name");
    const groupLastId = id(r);
    // -1 (stored as 2^64-1) means "unknown", as XINFO GROUPS reports it
    const entriesRead = v2 ? signed(r.lenBig("a group entries-read counter")) : undefined;
    const pending: StreamPendingEntry[] = [];
    const byId = new Map<string, StreamPendingEntry>();
    for (let n = r.len("a group PEL size"); n > 0; n--) {
      const at = r.at();
      const pid = r.rawStreamId("a PEL entry ID");
      const deliveryTime = r.int64("a PEL delivery time");
      const deliveryCount = r.len("a PEL delivery count");
      if (byId.has(pid)) throw corrupt("duplicate PEL entry in a consumer group", at);
      const p: StreamPendingEntry = { id: pid, consumer: Buffer.alloc(0), deliveryTime, deliveryCount };
      byId.set(pid, p);
      pending.push(p);
    }
    const consumers: StreamConsumer[] = [];
    const owned = new Set<string>();
    for (let c = r.len("a consumer count"); c > 0; c--) {
      const cname = r.str("a consumer name");
      const seenTime = r.int64("a consumer seen time");
      const activeTime = v3 ? r.int64("a consumer active time") : undefined;
      const ids: string[] = [];
      for (let n = r.len("a consumer PEL size"); n > 0; n--) {
        const at = r.at();
        const pid = r.rawStreamId("a consumer PEL ID");
        const p = byId.get(pid);
        if (!p) throw corrupt("consumer PEL entry is missing from its group's PEL", at);
        if (owned.has(pid)) throw corrupt("PEL entry owned by two consumers", at);
        owned.add(pid);
        p.consumer = cname;
        ids.push(pid);
      }
      consumers.push(activeTime === undefined ? { name: cname, seenTime, pending: ids } : { name: cname, seenTime, activeTime, pending: ids });
    }
    if (owned.size !== pending.length) throw corrupt("consumer group PEL entry without a consumer", r.at());
    const group: StreamGroup = { name, lastId: groupLastId, pending, consumers };
    if (entriesRead !== undefined) group.entriesRead = entriesRead;
    groups.push(group);
  }
  yield { type: "stream-meta", stream: { length, lastId, ...meta, groups } };
}

function id(r: ValueReader): string {
  const ms = r.lenBig("a stream ID");
  const seq = r.lenBig("a stream ID");
  return `${ms}-${seq}`;
}

function signed(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}
