import { corrupt } from "./constants";

/**
 * A validating cursor over a ziplist (ziplist.c): header <zlbytes u32><zltail u32><zllen u16>,
 * entries of <prevlen 1|5><encoding><data>, 0xFF terminator. Walking to the end checks every
 * entry's bounds and prevlen, the tail offset and the count (ziplistValidateIntegrity, deep).
 */
export class ZiplistCursor {
  isInt = false;
  num = 0;
  big: bigint | null = null;
  s = 0;
  e = 0;
  count = 0;
  private p: number;
  private prevSize = 0;
  private prevStart = -1;
  private readonly declared: number;
  private readonly tail: number;
  private readonly last: number;

  constructor(
    readonly buf: Uint8Array,
    readonly start: number,
    readonly end: number,
    readonly offset: number,
    readonly what = "ziplist",
  ) {
    const size = end - start;
    if (size < 11) throw corrupt(`${what} shorter than its header`, offset);
    const total = (buf[start] | (buf[start + 1] << 8) | (buf[start + 2] << 16) | (buf[start + 3] << 24)) >>> 0;
    if (total !== size) throw corrupt(`${what} header says ${total} bytes but the string holds ${size}`, offset);
    if (buf[end - 1] !== 0xff) throw corrupt(`${what} does not end with its terminator`, offset + size - 1);
    this.tail = (buf[start + 4] | (buf[start + 5] << 8) | (buf[start + 6] << 16) | (buf[start + 7] << 24)) >>> 0;
    if (this.tail > size - 1) throw corrupt(`${what} tail offset points outside it`, offset + 4);
    this.declared = buf[start + 8] | (buf[start + 9] << 8);
    this.p = start + 10;
    this.last = end - 1;
  }

  private fail(what: string, at: number): never {
    throw corrupt(`${this.what} ${what}`, this.offset + (at - this.start));
  }

  next(): boolean {
    const buf = this.buf;
    const last = this.last;
    let p = this.p;
    if (buf[p] === 0xff) {
      if (p !== last) this.fail("has a terminator before its end", p);
      if (this.prevStart !== -1 && this.prevStart - this.start !== this.tail) this.fail("tail offset does not point at the last entry", this.start + 4);
      if (this.declared !== 65535 && this.declared !== this.count) this.fail(`header counts ${this.declared} entries but holds ${this.count}`, this.start + 8);
      return false;
    }
    const entry = p;
    let prevlen: number;
    if (buf[p] < 254) {
      prevlen = buf[p];
      p += 1;
    } else {
      if (p + 5 > last) this.fail("prevlen truncated", p);
      prevlen = (buf[p + 1] | (buf[p + 2] << 8) | (buf[p + 3] << 16) | (buf[p + 4] << 24)) >>> 0;
      p += 5;
    }
    if (prevlen !== this.prevSize) this.fail(`entry prevlen ${prevlen} does not match the previous entry size ${this.prevSize}`, entry);
    if (p >= last) this.fail("entry header truncated", p);
    const b = buf[p];
    let dataLen: number;
    this.big = null;
    switch (b >> 6) {
      case 0:
        this.isInt = false;
        dataLen = b & 0x3f;
        p += 1;
        break;
      case 1:
        if (p + 2 > last) this.fail("entry header truncated", p);
        this.isInt = false;
        dataLen = ((b & 0x3f) << 8) | buf[p + 1];
        p += 2;
        break;
      case 2:
        if (b !== 0x80) this.fail(`invalid string encoding 0x${b.toString(16)}`, p);
        if (p + 5 > last) this.fail("entry header truncated", p);
        this.isInt = false;
        dataLen = ((buf[p + 1] << 24) | (buf[p + 2] << 16) | (buf[p + 3] << 8) | buf[p + 4]) >>> 0;
        p += 5;
        break;
      default:
        this.isInt = true;
        p += 1;
        if (b === 0xc0) dataLen = 2;
        else if (b === 0xd0) dataLen = 4;
        else if (b === 0xe0) dataLen = 8;
        else if (b === 0xf0) dataLen = 3;
        else if (b === 0xfe) dataLen = 1;
        else if (b >= 0xf1 && b <= 0xfd) dataLen = 0;
        else this.fail(`invalid entry encoding 0x${b.toString(16)}`, p - 1);
    }
    const next = p + dataLen;
    if (next > last) this.fail("entry runs past the end", entry);
    if (this.isInt) {
      if (b === 0xc0) this.num = (buf[p] | (buf[p + 1] << 8)) << 16 >> 16;
      else if (b === 0xd0) this.num = buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16) | (buf[p + 3] << 24);
      else if (b === 0xf0) this.num = (buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16)) << 8 >> 8;
      else if (b === 0xfe) this.num = buf[p] << 24 >> 24;
      else if (b === 0xe0) {
        const lo = (buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16) | (buf[p + 3] << 24)) >>> 0;
        const hi = buf[p + 4] | (buf[p + 5] << 8) | (buf[p + 6] << 16) | (buf[p + 7] << 24);
        const n = hi * 4294967296 + lo;
        if (Number.isSafeInteger(n)) this.num = n;
        else {
          this.big = (BigInt(hi) << 32n) | BigInt(lo);
          this.num = Number(this.big);
        }
      } else this.num = (b & 0x0f) - 1;
    } else {
      this.s = p;
      this.e = next;
    }
    this.prevSize = next - entry;
    this.prevStart = entry;
    this.p = next;
    this.count++;
    return true;
  }

  element(): Buffer {
    if (this.isInt) return Buffer.from(this.big !== null ? this.big.toString() : String(this.num), "latin1");
    return Buffer.from(this.buf.buffer, this.buf.byteOffset + this.s, this.e - this.s);
  }
}

export function validateZiplist(buf: Uint8Array, start: number, end: number, offset: number, what = "ziplist"): number {
  const c = new ZiplistCursor(buf, start, end, offset, what);
  while (c.next());
  return c.count;
}
