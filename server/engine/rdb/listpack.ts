import { corrupt } from "./constants";

/**
 * A validating cursor over a listpack (listpack.c): 6-byte header (total bytes, element count),
 * entries of <encoding+data><backlen>, 0xFF terminator. Every step checks bounds and the backlen,
 * so walking a listpack to its end is its full integrity check (lpValidateIntegrity, deep).
 *
 * `offset` is the absolute position of buf[start] in the RDB (for a blob that was LZF-compressed:
 * of the compressed string), used only in error messages.
 */
export class ListpackCursor {
  /** current entry: string data in buf[s, e) or an integer */
  isInt = false;
  /** integer value when exact in a double; see `big` */
  num = 0;
  /** int64 values outside ±2^53 */
  big: bigint | null = null;
  s = 0;
  e = 0;
  /** position of the current entry in buf */
  at = 0;
  count = 0;
  private p: number;
  private readonly declared: number;
  private readonly last: number;

  constructor(
    readonly buf: Uint8Array,
    readonly start: number,
    readonly end: number,
    readonly offset: number,
    readonly what = "listpack",
  ) {
    const size = end - start;
    if (size < 7) throw corrupt(`${what} shorter than its header`, offset);
    const total = (buf[start] | (buf[start + 1] << 8) | (buf[start + 2] << 16) | (buf[start + 3] << 24)) >>> 0;
    if (total !== size) throw corrupt(`${what} header says ${total} bytes but the string holds ${size}`, offset);
    if (buf[end - 1] !== 0xff) throw corrupt(`${what} does not end with its terminator`, offset + size - 1);
    this.declared = buf[start + 4] | (buf[start + 5] << 8);
    this.p = start + 6;
    this.last = end - 1;
  }

  private fail(what: string, at: number): never {
    throw corrupt(`${this.what} ${what}`, this.offset + (at - this.start));
  }

  /** advances to the next entry; false at the terminator (after checking the element count) */
  next(): boolean {
    const buf = this.buf;
    const p = this.p;
    const last = this.last;
    if (p >= last) {
      if (p !== last) this.fail("entry runs past the terminator", p);
      if (this.declared !== 65535 && this.declared !== this.count) this.fail(`header counts ${this.declared} entries but holds ${this.count}`, this.start + 4);
      return false;
    }
    const b = buf[p];
    this.at = p;
    let len: number; // encoding + data
    this.big = null;
    if (b < 0x80) {
      this.isInt = true;
      this.num = b;
      len = 1;
    } else if (b < 0xc0) {
      this.isInt = false;
      this.s = p + 1;
      len = 1 + (b & 0x3f);
    } else if (b < 0xe0) {
      if (p + 2 > last) this.fail("entry header truncated", p);
      this.isInt = true;
      const v = ((b & 0x1f) << 8) | buf[p + 1];
      this.num = v >= 4096 ? v - 8192 : v;
      len = 2;
    } else if (b < 0xf0) {
      if (p + 2 > last) this.fail("entry header truncated", p);
      this.isInt = false;
      this.s = p + 2;
      len = 2 + (((b & 0x0f) << 8) | buf[p + 1]);
    } else {
      switch (b) {
        case 0xf0: {
          if (p + 5 > last) this.fail("entry header truncated", p);
          this.isInt = false;
          this.s = p + 5;
          len = 5 + ((buf[p + 1] | (buf[p + 2] << 8) | (buf[p + 3] << 16) | (buf[p + 4] << 24)) >>> 0);
          break;
        }
        case 0xf1:
          len = 3;
          break;
        case 0xf2:
          len = 4;
          break;
        case 0xf3:
          len = 5;
          break;
        case 0xf4:
          len = 9;
          break;
        default:
          this.fail(`invalid entry encoding 0x${b.toString(16)}`, p);
      }
      if (b !== 0xf0) {
        if (p + len > last) this.fail("integer entry truncated", p);
        this.isInt = true;
        if (b === 0xf1) this.num = (buf[p + 1] | (buf[p + 2] << 8)) << 16 >> 16;
        else if (b === 0xf2) this.num = (buf[p + 1] | (buf[p + 2] << 8) | (buf[p + 3] << 16)) << 8 >> 8;
        else if (b === 0xf3) this.num = buf[p + 1] | (buf[p + 2] << 8) | (buf[p + 3] << 16) | (buf[p + 4] << 24);
        else this.readInt64(p + 1);
      }
    }
    const backlen = len <= 127 ? 1 : len < 16383 ? 2 : len < 2097151 ? 3 : len < 268435455 ? 4 : 5;
    const next = p + len + backlen;
    if (next > last) this.fail("entry runs past the end", p);
    if (!this.isInt) this.e = p + len;
    // backlen is stored big-end first, read right to left, 7 bits per byte
    let v = 0;
    let q = next - 1;
    let shift = 1;
    for (let i = 0; i < backlen; i++, q--) {
      v += (buf[q] & 127) * shift;
      shift *= 128;
      if (i < backlen - 1 ? (buf[q] & 128) === 0 : (buf[q] & 128) !== 0) this.fail("entry has a malformed back length", q);
    }
    if (v !== len) this.fail(`entry back length ${v} does not match its size ${len}`, p);
    this.p = next;
    this.count++;
    return true;
  }

  private readInt64(at: number): void {
    const buf = this.buf;
    const lo = (buf[at] | (buf[at + 1] << 8) | (buf[at + 2] << 16) | (buf[at + 3] << 24)) >>> 0;
    const hi = buf[at + 4] | (buf[at + 5] << 8) | (buf[at + 6] << 16) | (buf[at + 7] << 24); // signed
    const n = hi * 4294967296 + lo;
    if (Number.isSafeInteger(n)) this.num = n;
    else {
      this.big = (BigInt(hi) << 32n) | BigInt(lo);
      this.num = Number(this.big);
    }
  }

  /** the current entry as bytes (integers in decimal, as Redis returns them) */
  element(): Buffer {
    if (this.isInt) return Buffer.from(this.big !== null ? this.big.toString() : String(this.num), "latin1");
    return Buffer.from(this.buf.buffer, this.buf.byteOffset + this.s, this.e - this.s);
  }

  /** the current entry as an exact integer (stream IDs, TTLs); throws when it is a string */
  bigint(): bigint {
    if (!this.isInt) this.fail("entry should be an integer", this.s);
    return this.big ?? BigInt(this.num);
  }
}

/** Walks a whole listpack (full integrity check) and returns its element count. */
export function validateListpack(buf: Uint8Array, start: number, end: number, offset: number, what = "listpack"): number {
  const c = new ListpackCursor(buf, start, end, offset, what);
  while (c.next());
  return c.count;
}
