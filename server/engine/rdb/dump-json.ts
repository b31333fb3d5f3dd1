import { isUtf8 } from "node:buffer";
import type { TypedValue } from "../values/typed-value";

/**
 * The JSON shape of `redis-dts rdb dump --json` (a contract scripts rely on; documented in the
 * command's help):
 * - a byte string is a JSON string when it is valid UTF-8, else {"base64": "..."};
 * - a score is a JSON number, or the string "inf" / "-inf";
 * - string: bytes; list, set: [bytes]; zset: [[member, score]]; hash: [[field, value]] or
 *   [field, value, expireAtMs] for a field with a TTL; stream: {entries: [{id, fields: [bytes]}],
 *   length, lastId, firstId?, maxDeletedId?, entriesAdded?, groups: [{name, lastId, entriesRead?,
 *   pending: [{id, consumer, deliveryTime, deliveryCount}], consumers: [{name, seenTime,
 *   activeTime?, pending: [id]}]}]}; module: {"module": name}; function: the library code.
 */
export type JsonBytes = string | { base64: string };

export function jsonBytes(b: Buffer): JsonBytes {
  return isUtf8(b) ? b.toString("utf8") : { base64: b.toString("base64") };
}

export function jsonScore(n: number): number | string {
  return n === Infinity ? "inf" : n === -Infinity ? "-inf" : n;
}

export function jsonValue(v: TypedValue): unknown {
  switch (v.type) {
    case "string":
      return jsonBytes(v.value);
    case "list":
      return v.items.map(jsonBytes);
    case "set":
      return v.members.map(jsonBytes);
    case "zset":
      return v.entries.map((e) => [jsonBytes(e.member), jsonScore(e.score)]);
    case "hash":
      return v.fields.map((f) => (f.expireAt === undefined ? [jsonBytes(f.field), jsonBytes(f.value)] : [jsonBytes(f.field), jsonBytes(f.value), f.expireAt]));
    case "stream": {
      const s = v.stream;
      return {
        entries: s.entries.map((e) => ({ id: e.id, fields: e.fields.map(jsonBytes) })),
        length: s.length,
        lastId: s.lastId,
        ...(s.firstId !== undefined ? { firstId: s.firstId } : {}),
        ...(s.maxDeletedId !== undefined ? { maxDeletedId: s.maxDeletedId } : {}),
        ...(s.entriesAdded !== undefined ? { entriesAdded: s.entriesAdded } : {}),
        groups: s.groups.map((g) => ({
          name: jsonBytes(g.name),
          lastId: g.lastId,
          ...(g.entriesRead !== undefined ? { entriesRead: g.entriesRead } : {}),
          pending: g.pending.map((p) => ({ id: p.id, consumer: jsonBytes(p.consumer), deliveryTime: p.deliveryTime, deliveryCount: p.deliveryCount })),
          consumers: g.consumers.map((c) => ({
            name: jsonBytes(c.name),
            seenTime: c.seenTime,
            ...(c.activeTime !== undefined ? { activeTime: c.activeTime } : {}),
            pending: c.pending,
          })),
        })),
      };
    }
    case "module":
      return { module: v.moduleName };
  }
}

/** `#!lua name=mylib` → "mylib" (FUNCTION LOAD's header line), or null when absent */
export function libraryName(code: Buffer): string | null {
  const firstLine = code.subarray(0, Math.min(code.length, 512)).toString("utf8").split("\n")[0];
  const m = /^#!\S+.*?\bname=(\S+)/.exec(firstLine);
  return m ? m[1] : null;
}
