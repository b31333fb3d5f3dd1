import type { HashField, StreamEntry, TypedValue, ZsetEntry } from "../values/typed-value";
import { DtsError } from "../../errors";
import { iterateValue } from "./iterate-value";
import type { RdbKeyEntry } from "./types";

const WHOLE = { maxItems: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER };

/** Decodes an entry's whole value into a TypedValue (off the parser's hot path). */
export function decodeValue(entry: RdbKeyEntry): TypedValue {
  const strings: Buffer[] = [];
  const items: Buffer[] = [];
  const zset: ZsetEntry[] = [];
  const fields: HashField[] = [];
  const entries: StreamEntry[] = [];
  let result: TypedValue | null = null;
  for (const b of iterateValue(entry, WHOLE)) {
    switch (b.type) {
      case "string":
        strings.push(b.value);
        break;
      case "list":
        for (const x of b.items) items.push(x);
        break;
      case "set":
        for (const x of b.members) items.push(x);
        break;
      case "zset":
        for (const x of b.entries) zset.push(x);
        break;
      case "hash":
        for (const x of b.fields) fields.push(x);
        break;
      case "stream":
        for (const x of b.entries) entries.push(x);
        break;
      case "stream-meta":
        result = { type: "stream", stream: { entries, ...b.stream } };
        break;
      case "module":
        result = { type: "module", moduleName: b.moduleName };
        break;
    }
  }
  if (result) return result;
  switch (entry.type) {
    case "string":
      return { type: "string", value: strings.length === 1 ? strings[0] : Buffer.concat(strings) };
    case "list":
      return { type: "list", items };
    case "set":
      return { type: "set", members: items };
    case "zset":
      return { type: "zset", entries: zset };
    case "hash":
      return { type: "hash", fields };
    default:
      throw new DtsError("INTERNAL", `decodeValue: no value produced for a ${entry.type}`);
  }
}
