import { corrupt } from "./constants";
import { lzfDecompress } from "./lzf";
import { NEED, STR_INT, STR_LZF, rd, readLen, readString, stringBytes } from "./primitives";

/**
 * Sequential reads over one complete serialized value (an entry's `raw`): the same byte-level
 * readers as the streaming parser, but running out of bytes here means the value is corrupt.
 * Positions are indexes into raw; `base` maps them to absolute RDB offsets for error messages.
 */
export class ValueReader {
  p: number;
  readonly base: number;

  constructor(
    readonly buf: Buffer,
    start: number,
    valueOffset: number | undefined,
  ) {
    this.p = start;
    // raw[1] is at valueOffset in the RDB; without it, offsets are relative to the value
    this.base = valueOffset !== undefined ? valueOffset - 1 : 0;
  }

  at(): number {
    return this.base + this.p;
  }

  private check(q: number, what: string): number {
    if (q === NEED) throw corrupt(`value ends inside ${what}`, this.base + this.buf.length);
    return q;
  }

  len(what = "a length"): number {
    this.p = this.check(readLen(this.buf, this.p, this.buf.length, this.base), what);
    return rd.len;
  }

  /** a length read as an exact unsigned 64-bit integer (stream IDs and counters) */
  lenBig(what = "a number"): bigint {
    this.len(what);
    return rd.hi === 0 ? BigInt(rd.lo) : (BigInt(rd.hi) << 32n) | BigInt(rd.lo);
  }

  /** a string, decoded (integers as decimal, LZF decompressed); plain strings are views into raw */
  str(what = "a string"): Buffer {
    this.p = this.check(readString(this.buf, this.p, this.buf.length, this.base), what);
    return stringBytes(this.buf, this.base);
  }

  /** an encoded blob (ziplist, listpack, ...): its bytes and the absolute offset to report errors at */
  blob(what: string): { data: Uint8Array; start: number; end: number; offset: number } {
    const at = this.p;
    this.p = this.check(readString(this.buf, this.p, this.buf.length, this.base), what);
    if (rd.kind === STR_INT) throw corrupt(`${what} is stored as an integer`, this.base + at);
    if (rd.kind === STR_LZF) {
      const data = lzfDecompress(this.buf, rd.s, rd.e, rd.ulen, this.base + rd.s);
      return { data, start: 0, end: data.length, offset: this.base + rd.s };
    }
    return { data: this.buf, start: rd.s, end: rd.e, offset: this.base + rd.s };
  }

  /** skips n bytes and returns where they start */
  bytes(n: number, what: string): number {
    const at = this.p;
    if (at + n > this.buf.length) throw corrupt(`value ends inside ${what}`, this.base + this.buf.length);
    this.p = at + n;
    return at;
  }

  /** 8-byte little-endian signed integer (millisecond times) */
  int64(what: string): number {
    const at = this.bytes(8, what);
    return Number(this.buf.readBigInt64LE(at));
  }

  /** 8-byte binary double (RDB_TYPE_ZSET_2) */
  binaryDouble(what: string): number {
    return this.buf.readDoubleLE(this.bytes(8, what));
  }

  /** old-style double: length byte then ASCII, 253/254/255 = nan/+inf/-inf */
  stringDouble(what: string): number {
    const at = this.bytes(1, what);
    const l = this.buf[at];
    if (l === 253) return NaN;
    if (l === 254) return Infinity;
    if (l === 255) return -Infinity;
    const s = this.bytes(l, what);
    return parseScore(this.buf.toString("latin1", s, s + l), this.base + s);
  }

  /** 16-byte big-endian stream ID (PEL entries) */
  rawStreamId(what: string): string {
    const at = this.bytes(16, what);
    return `${this.buf.readBigUInt64BE(at)}-${this.buf.readBigUInt64BE(at + 8)}`;
  }

  done(): boolean {
    return this.p >= this.buf.length;
  }
}

/** A score written as text (ziplists, listpacks, old zsets): strtod-compatible, inf spelled out. */
export function parseScore(text: string, offset: number): number {
  const t = text.trim().toLowerCase();
  if (t === "inf" || t === "+inf" || t === "infinity" || t === "+infinity") return Infinity;
  if (t === "-inf" || t === "-infinity") return -Infinity;
  const n = t === "" ? NaN : Number(t);
  if (Number.isNaN(n)) throw corrupt(`score '${text.slice(0, 40)}' is not a number`, offset);
  return n;
}
