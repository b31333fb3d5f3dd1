import { corrupt } from "./constants";
import { lzfDecompress } from "./lzf";

/**
 * Byte-level RDB readers over buf[p, end). Each returns the position after what it read, or NEED
 * when the bytes are not all there yet (the caller waits for the next chunk and retries). Results go
 * to the shared `rd` record instead of fresh objects: these run once per token on the hot path.
 * `base` is the absolute offset of buf[0], for error messages.
 */
export const NEED = -1;

export const STR_PLAIN = 0;
export const STR_INT = 1;
export const STR_LZF = 2;

export const rd = {
  /** a length's value (exact below 2^53; see hi/lo for 64-bit ids) */
  len: 0,
  hi: 0,
  lo: 0,
  /** string: kind, data span in buf, integer value, LZF decompressed length */
  kind: STR_PLAIN,
  s: 0,
  e: 0,
  int: 0,
  ulen: 0,
  /**
   * where the string that made readString() return NEED ends (a position in its buf), or -1: lets
   * the parser size its carry-over buffer to the declared length instead of doubling past it
   */
  want: -1,
  /** that string's length in the input */
  wantLen: 0,
};

/** A length (rdbLoadLen). Encoded-value markers are corrupt here: this is a count or a size. */
export function readLen(buf: Uint8Array, p: number, end: number, base: number): number {
  if (p >= end) return NEED;
  const b = buf[p];
  switch (b >> 6) {
    case 0:
      rd.len = rd.lo = b;
      rd.hi = 0;
      return p + 1;
    case 1:
      if (p + 2 > end) return NEED;
      rd.len = rd.lo = ((b & 0x3f) << 8) | buf[p + 1];
      rd.hi = 0;
      return p + 2;
    case 2: {
      if (b === 0x80) {
        if (p + 5 > end) return NEED;
        rd.len = rd.lo = ((buf[p + 1] << 24) | (buf[p + 2] << 16) | (buf[p + 3] << 8) | buf[p + 4]) >>> 0;
        rd.hi = 0;
        return p + 5;
      }
      if (b === 0x81) {
        if (p + 9 > end) return NEED;
        rd.hi = ((buf[p + 1] << 24) | (buf[p + 2] << 16) | (buf[p + 3] << 8) | buf[p + 4]) >>> 0;
        rd.lo = ((buf[p + 5] << 24) | (buf[p + 6] << 16) | (buf[p + 7] << 8) | buf[p + 8]) >>> 0;
        rd.len = rd.hi * 4294967296 + rd.lo;
        return p + 9;
      }
      throw corrupt(`invalid length prefix 0x${b.toString(16)}`, base + p);
    }
    default:
      throw corrupt(`unexpected encoded value 0x${b.toString(16)} where a length belongs`, base + p);
  }
}

/**
 * A string (rdbGenericLoadStringObject): plain bytes, an 8/16/32-bit integer, or LZF. Only locates
 * it: sets rd.kind, rd.s/rd.e (plain data or compressed data), rd.int, rd.ulen.
 */
export function readString(buf: Uint8Array, p: number, end: number, base: number): number {
  if (p >= end) return NEED;
  const b = buf[p];
  if (b < 0xc0) {
    const q = readLen(buf, p, end, base);
    if (q === NEED) return NEED;
    const e = q + rd.len;
    if (e > end) {
      rd.want = e;
      rd.wantLen = rd.len;
      return NEED;
    }
    rd.kind = STR_PLAIN;
    rd.s = q;
    rd.e = e;
    return e;
  }
  switch (b & 0x3f) {
    case 0:
      if (p + 2 > end) return NEED;
      rd.kind = STR_INT;
      rd.int = (buf[p + 1] << 24) >> 24;
      return p + 2;
    case 1:
      if (p + 3 > end) return NEED;
      rd.kind = STR_INT;
      rd.int = ((buf[p + 1] | (buf[p + 2] << 8)) << 16) >> 16;
      return p + 3;
    case 2:
      if (p + 5 > end) return NEED;
      rd.kind = STR_INT;
      rd.int = buf[p + 1] | (buf[p + 2] << 8) | (buf[p + 3] << 16) | (buf[p + 4] << 24);
      return p + 5;
    case 3: {
      let q = readLen(buf, p + 1, end, base);
      if (q === NEED) return NEED;
      const clen = rd.len;
      q = readLen(buf, q, end, base);
      if (q === NEED) return NEED;
      const ulen = rd.len;
      const e = q + clen;
      if (e > end) {
        rd.want = e;
        rd.wantLen = clen;
        return NEED;
      }
      if (clen === 0) throw corrupt("LZF string with no compressed data", base + p);
      rd.kind = STR_LZF;
      rd.s = q;
      rd.e = e;
      rd.ulen = ulen;
      return e;
    }
    default:
      throw corrupt(`unknown string encoding 0x${b.toString(16)}`, base + p);
  }
}

/** The bytes of the string readString() just located (a view for plain strings). */
export function stringBytes(buf: Uint8Array, base: number): Buffer {
  if (rd.kind === STR_PLAIN) return Buffer.from(buf.buffer, buf.byteOffset + rd.s, rd.e - rd.s);
  if (rd.kind === STR_INT) return Buffer.from(String(rd.int), "latin1");
  return lzfDecompress(buf, rd.s, rd.e, rd.ulen, base + rd.s);
}

/** Like stringBytes but never a view: safe to keep after the input buffer is reused. */
export function stringCopy(buf: Uint8Array, base: number): Buffer {
  if (rd.kind === STR_PLAIN) return copyOut(buf, rd.s, rd.e);
  return stringBytes(buf, base);
}

/** buf[s, e) into a new Buffer (pooled for small sizes); a plain loop beats a native call for keys */
export function copyOut(buf: Uint8Array, s: number, e: number, lead = -1): Buffer {
  const n = e - s;
  const extra = lead >= 0 ? 1 : 0;
  const out = Buffer.allocUnsafe(n + extra);
  if (extra) out[0] = lead;
  if (n < 64) for (let i = 0; i < n; i++) out[i + extra] = buf[s + i];
  else out.set(buf.subarray(s, e), extra);
  return out;
}

/** Old-style score (RDB_TYPE_ZSET): a length byte then ASCII, or 253/254/255 for nan/+inf/-inf. */
export function skipDoubleString(buf: Uint8Array, p: number, end: number): number {
  if (p >= end) return NEED;
  const l = buf[p];
  if (l >= 253) return p + 1;
  return p + 1 + l > end ? NEED : p + 1 + l;
}
