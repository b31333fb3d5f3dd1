import { Crc64 } from "../rdb/crc64";
import { payloadFooters } from "../rdb/payload-footers";
import type { RdbKeyEvent } from "../rdb/types";
import { LazyArg, digits, writeHeader } from "../resp/encoder";

const HEAD = Buffer.from("$7\r\nRESTORE\r\n");
const REPLACE = Buffer.from("$7\r\nREPLACE\r\n");
const ABSTTL = Buffer.from("$6\r\nABSTTL\r\n");
const IDLETIME = Buffer.from("$8\r\nIDLETIME\r\n");
const FREQ = Buffer.from("$4\r\nFREQ\r\n");
/** the TTL of most keys */
const ZERO = Buffer.from("$1\r\n0\r\n");
const crc = new Crc64();

/** `$<len>\r\n<n>\r\n` for a non-negative integer n */
const intBulkLength = (n: number) => {
  const d = digits(n);
  return 3 + digits(d) + d + 2;
};

/**
 * One `RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s | FREQ f]` written straight into the
 * writer's staging buffer (DestinationWriter.writeEncoded with a LazyArg): no argument array, no
 * payload object, no TTL string, no generic encoding per key. The payload is the value where the
 * parser has it (transientValues: with its CRC already computed) or an event's own `raw`. One
 * instance is filled per key and written at once; the writer never keeps it.
 */
export class RestoreCommand extends LazyArg {
  byteLength = 0;
  private key: Buffer = HEAD;
  private ttl = 0;
  private replace = false;
  private absTtl = false;
  /** IDLETIME or FREQ value, or -1 */
  private hint = -1;
  private hintIsFreq = false;
  private type = 0;
  private src: Uint8Array = HEAD;
  private start = 0;
  private end = 0;
  private crcLo = -1;
  private crcHi = 0;
  private version = 0;
  private args = 0;

  /** Fills the command for `e` (an event still in its parser callback when its value is transient). */
  set(e: RdbKeyEvent, ttl: number, rdbVersion: number, replace: boolean, absTtl: boolean, idle: number | undefined, freq: number | undefined): this {
    this.key = e.key;
    this.ttl = ttl;
    this.replace = replace;
    this.absTtl = absTtl;
    this.hint = idle !== undefined ? idle : freq !== undefined ? freq : -1;
    this.hintIsFreq = idle === undefined && freq !== undefined;
    this.version = rdbVersion;
    if (e.valueBuf) {
      this.type = e.rdbType;
      this.src = e.valueBuf;
      this.start = e.valueStart!;
      this.end = e.valueEnd!;
      this.crcLo = e.crcLo ?? -1;
      this.crcHi = e.crcHi ?? 0;
    } else {
      const raw = e.raw;
      this.type = raw[0];
      this.src = raw;
      this.start = 1;
      this.end = raw.length;
      this.crcLo = -1;
    }
    const payload = this.end - this.start + 11;
    let args = 4;
    let size = HEAD.length + 3 + digits(this.key.length) + this.key.length + 2 + intBulkLength(ttl) + 3 + digits(payload) + payload + 2;
    if (replace) (args++, (size += REPLACE.length));
    if (absTtl) (args++, (size += ABSTTL.length));
    if (this.hint >= 0) {
      args += 2;
      size += (this.hintIsFreq ? FREQ.length : IDLETIME.length) + intBulkLength(this.hint);
    }
    this.args = args;
    this.byteLength = size + 3 + digits(args);
    return this;
  }

  writeTo(target: Buffer, at: number): void {
    let p = writeHeader(target, at, 42, this.args);
    p = put(target, p, HEAD);
    const key = this.key;
    p = writeHeader(target, p, 36, key.length);
    p = put(target, p, key);
    p = crlf(target, p);
    p = writeInt(target, p, this.ttl);
    const { src, start, end } = this;
    const n = end - start;
    p = writeHeader(target, p, 36, n + 11);
    const at0 = p;
    target[p++] = this.type;
    if (n < 64) for (let i = 0; i < n; i++) target[p + i] = src[start + i];
    else target.set(src.subarray(start, end), p);
    p += n;
    const v0 = this.version & 0xff;
    const v1 = (this.version >>> 8) & 0xff;
    target[p++] = v0;
    target[p++] = v1;
    if (this.crcLo >= 0) {
      crc.lo = this.crcLo;
      crc.hi = this.crcHi;
      crc.byte(v0).byte(v1).writeLE(target, p);
    } else payloadFooters.write(target, at0, p);
    p = crlf(target, p + 8);
    if (this.replace) p = put(target, p, REPLACE);
    if (this.absTtl) p = put(target, p, ABSTTL);
    if (this.hint >= 0) {
      p = put(target, p, this.hintIsFreq ? FREQ : IDLETIME);
      p = writeInt(target, p, this.hint);
    }
  }
}

function put(target: Buffer, p: number, bytes: Uint8Array): number {
  const n = bytes.length;
  if (n < 32) for (let i = 0; i < n; i++) target[p + i] = bytes[i];
  else target.set(bytes, p);
  return p + n;
}

function crlf(target: Buffer, p: number): number {
  target[p] = 13;
  target[p + 1] = 10;
  return p + 2;
}

/** `$<len>\r\n<n>\r\n` */
function writeInt(target: Buffer, p: number, n: number): number {
  if (n === 0) return put(target, p, ZERO);
  const d = digits(n);
  p = writeHeader(target, p, 36, d);
  for (let i = p + d - 1, v = n; i >= p; i--, v = Math.floor(v / 10)) target[i] = 48 + (v % 10);
  return crlf(target, p + d);
}
