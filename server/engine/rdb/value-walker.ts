import { DtsError } from "../../errors";
import { corrupt, MODULE_OP, QUICKLIST_PACKED, QUICKLIST_PLAIN, T, moduleNameFromId } from "./constants";
import { validateIntset, validateZipmap } from "./intset-zipmap";
import { validateListpack } from "./listpack";
import { lzfDecompressScratch } from "./lzf";
import { NEED, STR_LZF, STR_PLAIN, rd, readLen, readString, skipDoubleString } from "./primitives";
import { readStreamListpack } from "./stream-listpack";
import { walkStream } from "./stream-walker";
import { validateZiplist } from "./ziplist";

const SCRATCH_KEEP = 1 << 20;
let scratch: Buffer = Buffer.allocUnsafe(64 * 1024);

type Validator = (buf: Uint8Array, start: number, end: number, offset: number) => void;

const evenCount = (what: string, fn: typeof validateListpack, tuple = 2): Validator => (buf, s, e, off) => {
  const n = fn(buf, s, e, off, what);
  if (n % tuple !== 0) throw corrupt(`${what} holds ${n} entries, not a multiple of ${tuple}`, off);
};

const VALIDATORS: Record<number, Validator> = {
  [T.HASH_ZIPMAP]: validateZipmap,
  [T.LIST_ZIPLIST]: (b, s, e, o) => void validateZiplist(b, s, e, o, "list ziplist"),
  [T.SET_INTSET]: validateIntset,
  [T.ZSET_ZIPLIST]: evenCount("zset ziplist", validateZiplist),
  [T.HASH_ZIPLIST]: evenCount("hash ziplist", validateZiplist),
  [T.HASH_LISTPACK]: evenCount("hash listpack", validateListpack),
  [T.ZSET_LISTPACK]: evenCount("zset listpack", validateListpack),
  [T.SET_LISTPACK]: (b, s, e, o) => void validateListpack(b, s, e, o, "set listpack"),
  [T.HASH_LISTPACK_EX_PRE_GA]: evenCount("hash listpack", validateListpack, 3),
  [T.HASH_LISTPACK_EX]: evenCount("hash listpack", validateListpack, 3),
};
const quicklistNode: Validator = (b, s, e, o) => void validateZiplist(b, s, e, o, "quicklist ziplist node");
const quicklist2Node: Validator = (b, s, e, o) => void validateListpack(b, s, e, o, "quicklist listpack node");
const streamNode: Validator = (b, s, e, o) => void readStreamListpack(b, s, e, o, null, null);

/**
 * Finds where a value ends and validates it, resumably: when the input runs out it remembers the
 * last complete element (`abs`, `stage`, counters) and the next call continues from there, so a
 * huge value arriving over many chunks is walked once (O(n)), never re-walked from its start.
 * Encoded blobs (ziplists, listpacks, intsets, zipmaps, stream nodes) are checked entry by entry:
 * their bytes may go to a destination as a RESTORE payload, which a server does not deep-check.
 */
export class ValueWalker {
  rdbType = 0;
  valkey = false;
  /** check encoded blobs entry by entry (RdbParserOptions.validateEncoded) */
  check = true;
  /** absolute offset of the first byte not yet walked; the value's end once walk() returns true */
  abs = 0;
  moduleName: string | undefined = undefined;
  /** @internal resumption state: stage and up to three nested counters */
  stage = 0;
  n = 0;
  m = 0;
  k = 0;
  /** the declared count of a counted collection (elements, zset, quicklist, hash with TTLs), else 0 */
  private total = 0;

  reset(rdbType: number, abs: number, valkey: boolean): void {
    this.rdbType = rdbType;
    this.abs = abs;
    this.valkey = valkey;
    this.stage = 0;
    this.n = this.m = this.k = this.total = 0;
    this.moduleName = undefined;
  }

  /**
   * The share (0 to 1) of a counted collection's elements walked so far, or -1 for other values:
   * with the bytes walked, an estimate of the whole value's size (RdbParser.carry).
   */
  doneShare(): number {
    return this.total > 0 ? 1 - this.n / this.total : -1;
  }

  /** true when the value is complete; false when more input is needed. */
  walk(buf: Uint8Array, base: number, end: number): boolean {
    const p = this.abs - base;
    let q: number;
    switch (this.rdbType) {
      case T.STRING:
        q = readString(buf, p, end, base);
        break;
      case T.LIST:
      case T.SET:
        return this.elements(buf, base, end, 1);
      case T.HASH:
        return this.elements(buf, base, end, 2);
      case T.ZSET:
      case T.ZSET_2:
        return this.zset(buf, base, end);
      case T.LIST_QUICKLIST:
      case T.LIST_QUICKLIST_2:
        return this.quicklist(buf, base, end);
      case T.STREAM_LISTPACKS:
      case T.STREAM_LISTPACKS_2:
      case T.STREAM_LISTPACKS_3:
        return walkStream(this, buf, base, end, (b, q, e) => this.blob(b, base, q, e, streamNode));
      case T.MODULE_2:
        return this.module(buf, base, end);
      case T.HASH_METADATA:
      case T.HASH_METADATA_PRE_GA:
        return this.hashWithTtl(buf, base, end);
      case T.HASH_LISTPACK_EX:
        if (p + 8 > end) return false;
        q = this.blob(buf, base, p + 8, end, VALIDATORS[T.HASH_LISTPACK_EX]);
        break;
      case T.MODULE_PRE_GA:
        throw new DtsError("RDB_UNSUPPORTED", `module value in the pre-release (Redis 4.0 RC) format at byte offset ${base + p - 1}`);
      default: {
        const v = VALIDATORS[this.rdbType];
        if (!v) throw corrupt(`unknown value type ${this.rdbType}`, base + p - 1);
        q = this.blob(buf, base, p, end, v);
      }
    }
    if (q === NEED) return false;
    this.abs = base + q;
    return true;
  }

  private blob(buf: Uint8Array, base: number, p: number, end: number, validate: Validator): number {
    const q = readString(buf, p, end, base);
    if (q === NEED) return NEED;
    if (!this.check) {
      if (rd.kind !== STR_PLAIN && rd.kind !== STR_LZF) throw corrupt("an encoded value is stored as an integer", base + p);
    } else if (rd.kind === STR_PLAIN) validate(buf, rd.s, rd.e, base + rd.s);
    else if (rd.kind === STR_LZF) {
      // decompressed only to be checked: into a reused buffer, no allocation per value
      const { s, e, ulen } = rd;
      const data = lzfDecompressScratch(buf, s, e, ulen, base + s, scratch);
      validate(data, 0, ulen, base + s);
      if (data !== scratch && data.length <= SCRATCH_KEEP) scratch = data;
    } else throw corrupt("an encoded value is stored as an integer", base + p);
    return q;
  }

  /** counted sequence of `per` strings each (plain list, set, hash) */
  private elements(buf: Uint8Array, base: number, end: number, per: number): boolean {
    let p = this.abs - base;
    if (this.stage === 0) {
      const q = readLen(buf, p, end, base);
      if (q === NEED) return false;
      this.n = this.total = rd.len * per;
      this.stage = 1;
      p = q;
    }
    let n = this.n;
    while (n > 0) {
      const q = readString(buf, p, end, base);
      if (q === NEED) break;
      p = q;
      n--;
    }
    this.n = n;
    this.abs = base + p;
    return n === 0;
  }

  private zset(buf: Uint8Array, base: number, end: number): boolean {
    let p = this.abs - base;
    if (this.stage === 0) {
      const q = readLen(buf, p, end, base);
      if (q === NEED) return false;
      this.n = this.total = rd.len;
      this.stage = 1;
      p = q;
    }
    const binary = this.rdbType === T.ZSET_2;
    let n = this.n;
    while (n > 0) {
      let q = readString(buf, p, end, base);
      if (q === NEED) break;
      if (binary) q = q + 8 <= end ? q + 8 : NEED;
      else q = skipDoubleString(buf, q, end);
      if (q === NEED) break;
      p = q;
      n--;
    }
    this.n = n;
    this.abs = base + p;
    return n === 0;
  }

  private quicklist(buf: Uint8Array, base: number, end: number): boolean {
    let p = this.abs - base;
    if (this.stage === 0) {
      const q = readLen(buf, p, end, base);
      if (q === NEED) return false;
      this.n = this.total = rd.len;
      this.stage = 1;
      p = q;
    }
    const v2 = this.rdbType === T.LIST_QUICKLIST_2;
    let n = this.n;
    while (n > 0) {
      let q = p;
      let container = QUICKLIST_PACKED;
      if (v2) {
        q = readLen(buf, q, end, base);
        if (q === NEED) break;
        container = rd.len;
        if (container !== QUICKLIST_PACKED && container !== QUICKLIST_PLAIN) throw corrupt(`quicklist node container ${container} is neither plain nor packed`, base + p);
      }
      if (container === QUICKLIST_PLAIN) {
        q = readString(buf, q, end, base);
        if (q !== NEED && rd.kind === STR_PLAIN && rd.e === rd.s) throw corrupt("empty plain quicklist node", base + p);
      } else q = this.blob(buf, base, q, end, v2 ? quicklist2Node : quicklistNode);
      if (q === NEED) break;
      p = q;
      n--;
    }
    this.n = n;
    this.abs = base + p;
    return n === 0;
  }

  private hashWithTtl(buf: Uint8Array, base: number, end: number): boolean {
    let p = this.abs - base;
    const valkey = this.valkey && this.rdbType === 22;
    if (this.stage === 0) {
      let q = p;
      if (this.rdbType === T.HASH_METADATA) q = q + 8 <= end ? q + 8 : NEED; // min expire
      if (q !== NEED) q = readLen(buf, q, end, base);
      if (q === NEED) return false;
      this.n = this.total = rd.len;
      this.stage = 1;
      p = q;
    }
    let n = this.n;
    while (n > 0) {
      let q = valkey ? p : readLen(buf, p, end, base); // Redis: TTL before the field
      if (q !== NEED) q = readString(buf, q, end, base);
      if (q !== NEED) q = readString(buf, q, end, base);
      if (q !== NEED && valkey) q = q + 8 <= end ? q + 8 : NEED; // Valkey: absolute ms after the value
      if (q === NEED) break;
      p = q;
      n--;
    }
    this.n = n;
    this.abs = base + p;
    return n === 0;
  }

  private module(buf: Uint8Array, base: number, end: number): boolean {
    let p = this.abs - base;
    if (this.stage === 0) {
      const q = readLen(buf, p, end, base);
      if (q === NEED) return false;
      this.moduleName = moduleNameFromId(rd.hi, rd.lo);
      this.stage = 1;
      p = q;
    }
    const done = skipModuleOpcodes(buf, p, end, base);
    this.abs = base + (done < 0 ? -done - 2 : done);
    return done >= 0;
  }
}

/**
 * Skips module-serialized data up to its EOF opcode (rdbLoadCheckModuleValue). Returns the position
 * after the EOF opcode, or -(p + 2) where p is the last complete opcode's end when input runs out.
 */
export function skipModuleOpcodes(buf: Uint8Array, p: number, end: number, base: number): number {
  for (;;) {
    let q = readLen(buf, p, end, base);
    if (q === NEED) return -(p + 2);
    const op = rd.len;
    if (op === MODULE_OP.EOF) return q;
    if (op === MODULE_OP.SINT || op === MODULE_OP.UINT) q = readLen(buf, q, end, base);
    else if (op === MODULE_OP.FLOAT) q = q + 4 <= end ? q + 4 : NEED;
    else if (op === MODULE_OP.DOUBLE) q = q + 8 <= end ? q + 8 : NEED;
    else if (op === MODULE_OP.STRING) q = readString(buf, q, end, base);
    else throw corrupt(`unknown module data opcode ${op}`, base + p);
    if (q === NEED) return -(p + 2);
    p = q;
  }
}

