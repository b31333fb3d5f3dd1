import type { HashField, ZsetEntry } from "../values/typed-value";
import { MODULE_OP, QUICKLIST_PLAIN, T, corrupt, moduleNameFromId } from "./constants";
import { readIntset, readZipmap } from "./intset-zipmap";
import { ListpackCursor } from "./listpack";
import { rd } from "./primitives";
import { iterateStream } from "./iterate-stream";
import type { IterateOptions, RdbKeyEntry, ValueBatch } from "./types";
import { ValueReader, parseScore } from "./value-reader";
import { ZiplistCursor } from "./ziplist";

/**
 * Decodes an entry's `raw` value in batches, in RDB order, so a huge value can be written as a
 * series of bounded commands without holding it decoded twice. Elements may be views into raw.
 * Throws DtsError RDB_CORRUPT on malformed data; never allocates from a declared count.
 */
export function* iterateValue(entry: RdbKeyEntry, opts: IterateOptions): Generator<ValueBatch> {
  const t = entry.raw[0];
  const r = new ValueReader(entry.raw, 1, entry.valueOffset);
  const cap = { maxItems: Math.max(1, opts.maxItems), maxBytes: Math.max(1, opts.maxBytes) };
  switch (entry.type) {
    case "string": {
      const value = r.str("the string");
      for (let s = 0; s < value.length || s === 0; s += cap.maxBytes) yield { type: "string", value: value.subarray(s, s + cap.maxBytes) };
      break;
    }
    case "list":
      for (const items of batches(listItems(r, t), bufSize, cap)) yield { type: "list", items };
      break;
    case "set":
      for (const members of batches(setMembers(r, t), bufSize, cap)) yield { type: "set", members };
      break;
    case "zset":
      for (const entries of batches(zsetEntries(r, t), (e) => e.member.length + 8, cap)) yield { type: "zset", entries };
      break;
    case "hash":
      for (const fields of batches(hashFields(r, t, entry.rdbVersion >= 80), (f) => f.field.length + f.value.length, cap)) yield { type: "hash", fields };
      break;
    case "stream":
      yield* iterateStream(r, t, cap);
      break;
    case "module": {
      r.len("the module id");
      const moduleName = entry.moduleName ?? moduleNameFromId(rd.hi, rd.lo);
      skipModuleData(r);
      yield { type: "module", moduleName };
      break;
    }
  }
  if (!r.done()) throw corrupt(`${entry.raw.length - r.p} unexpected bytes after the value`, r.at());
}

const bufSize = (b: Buffer) => b.length;

function* batches<T>(items: Iterable<T>, sizeOf: (item: T) => number, cap: IterateOptions): Generator<T[]> {
  let batch: T[] = [];
  let bytes = 0;
  for (const item of items) {
    batch.push(item);
    bytes += sizeOf(item);
    if (batch.length >= cap.maxItems || bytes >= cap.maxBytes) {
      yield batch;
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length > 0) yield batch;
}

/** every element of a ziplist or listpack blob read from r */
function* packed(r: ValueReader, what: string, kind: "ziplist" | "listpack"): Generator<Buffer> {
  const b = r.blob(what);
  const c = kind === "ziplist" ? new ZiplistCursor(b.data, b.start, b.end, b.offset, what) : new ListpackCursor(b.data, b.start, b.end, b.offset, what);
  while (c.next()) yield c.element();
}

function* listItems(r: ValueReader, t: number): Generator<Buffer> {
  if (t === T.LIST) {
    for (let n = r.len("the list length"); n > 0; n--) yield r.str("a list element");
  } else if (t === T.LIST_ZIPLIST) {
    yield* packed(r, "list ziplist", "ziplist");
  } else {
    for (let n = r.len("the quicklist node count"); n > 0; n--) {
      if (t === T.LIST_QUICKLIST) yield* packed(r, "quicklist ziplist node", "ziplist");
      else if (r.len("a quicklist node container") === QUICKLIST_PLAIN) yield r.str("a plain quicklist node");
      else yield* packed(r, "quicklist listpack node", "listpack");
    }
  }
}

function* setMembers(r: ValueReader, t: number): Generator<Buffer> {
  if (t === T.SET) {
    for (let n = r.len("the set size"); n > 0; n--) yield r.str("a set member");
  } else if (t === T.SET_INTSET) {
    const b = r.blob("intset");
    for (const v of readIntset(b.data, b.start, b.end, b.offset)) yield Buffer.from(String(v), "latin1");
  } else {
    yield* packed(r, "set listpack", "listpack");
  }
}

function* pairs(r: ValueReader, what: string, kind: "ziplist" | "listpack", tuple = 2): Generator<Buffer[]> {
  let group: Buffer[] = [];
  for (const el of packed(r, what, kind)) {
    group.push(el);
    if (group.length === tuple) {
      yield group;
      group = [];
    }
  }
  if (group.length > 0) throw corrupt(`${what} has an odd number of entries`, r.at());
}

function* zsetEntries(r: ValueReader, t: number): Generator<ZsetEntry> {
  if (t === T.ZSET || t === T.ZSET_2) {
    for (let n = r.len("the zset size"); n > 0; n--) {
      const member = r.str("a zset member");
      const score = t === T.ZSET_2 ? r.binaryDouble("a zset score") : r.stringDouble("a zset score");
      if (Number.isNaN(score)) throw corrupt("zset score is NaN", r.at());
      yield { member, score };
    }
    return;
  }
  const what = t === T.ZSET_ZIPLIST ? "zset ziplist" : "zset listpack";
  for (const [member, score] of pairs(r, what, t === T.ZSET_ZIPLIST ? "ziplist" : "listpack")) {
    yield { member, score: parseScore(score.toString("latin1"), r.at()) };
  }
}

function* hashFields(r: ValueReader, t: number, valkey: boolean): Generator<HashField> {
  switch (t) {
    case T.HASH:
      for (let n = r.len("the hash size"); n > 0; n--) yield { field: r.str("a hash field"), value: r.str("a hash value") };
      return;
    case T.HASH_ZIPMAP: {
      const b = r.blob("zipmap");
      for (const [field, value] of readZipmap(b.data, b.start, b.end, b.offset)) yield { field, value };
      return;
    }
    case T.HASH_ZIPLIST:
    case T.HASH_LISTPACK:
      for (const [field, value] of pairs(r, t === T.HASH_ZIPLIST ? "hash ziplist" : "hash listpack", t === T.HASH_ZIPLIST ? "ziplist" : "listpack")) yield { field, value };
      return;
    case T.HASH_LISTPACK_EX:
    case T.HASH_LISTPACK_EX_PRE_GA: {
      if (t === T.HASH_LISTPACK_EX) r.int64("the hash min expire");
      for (const [field, value, ttl] of pairs(r, "hash listpack", "listpack", 3)) {
        const expireAt = Number(ttl.toString("latin1"));
        if (!Number.isSafeInteger(expireAt) || expireAt < 0) throw corrupt("hash field TTL is not a valid time", r.at());
        yield expireAt === 0 ? { field, value } : { field, value, expireAt };
      }
      return;
    }
    case T.HASH_METADATA:
    case T.HASH_METADATA_PRE_GA: {
      if (valkey && t === 22) {
        for (let n = r.len("the hash size"); n > 0; n--) {
          const field = r.str("a hash field");
          const value = r.str("a hash value");
          const expireAt = r.int64("a hash field TTL");
          yield expireAt < 0 ? { field, value } : { field, value, expireAt };
        }
        return;
      }
      const minExpire = t === T.HASH_METADATA ? r.int64("the hash min expire") : 0;
      for (let n = r.len("the hash size"); n > 0; n--) {
        const ttl = r.len("a hash field TTL");
        const field = r.str("a hash field");
        const value = r.str("a hash value");
        if (ttl === 0) yield { field, value };
        else yield { field, value, expireAt: t === T.HASH_METADATA ? ttl + minExpire - 1 : ttl };
      }
      return;
    }
    default:
      throw corrupt(`value type ${t} is not a hash`, r.at());
  }
}

function skipModuleData(r: ValueReader): void {
  for (;;) {
    const op = r.len("module data");
    if (op === MODULE_OP.EOF) return;
    if (op === MODULE_OP.SINT || op === MODULE_OP.UINT) r.len("module data");
    else if (op === MODULE_OP.FLOAT) r.bytes(4, "module data");
    else if (op === MODULE_OP.DOUBLE) r.bytes(8, "module data");
    else if (op === MODULE_OP.STRING) r.str("module data");
    else throw corrupt(`unknown module data opcode ${op}`, r.at());
  }
}
