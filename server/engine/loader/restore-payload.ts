import { Crc64 } from "../rdb/crc64";
import { LazyArg } from "../resp/encoder";

/**
 * A DUMP/RESTORE payload is the serialized value (type byte first), the RDB version as 2 bytes
 * little-endian, then the CRC64 of everything before it, 8 bytes little-endian. The RDB parser hands
 * the first part out as is, so the payload is written straight into the outgoing command buffer:
 * one copy and one CRC pass, no intermediate buffer.
 */
const crc = new Crc64();

export class RestorePayload extends LazyArg {
  readonly byteLength: number;
  constructor(
    private readonly raw: Buffer,
    private readonly rdbVersion: number,
  ) {
    super();
    this.byteLength = raw.length + 10;
  }

  writeTo(target: Buffer, at: number): void {
    const n = this.raw.length;
    target.set(this.raw, at);
    target[at + n] = this.rdbVersion & 0xff;
    target[at + n + 1] = (this.rdbVersion >>> 8) & 0xff;
    crc.lo = 0;
    crc.hi = 0;
    crc.update(target, at, at + n + 2);
    crc.writeLE(target, at + n + 2);
  }

  /** the payload as its own Buffer (tests, tools) */
  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.byteLength);
    this.writeTo(out, 0);
    return out;
  }
}

/**
 * The same payload for a parser event with transientValues: the value is copied straight from the
 * parser's input (so it must be written while the event is handled: the writer encodes at once), and
 * the CRC of type byte + value comes from the parser, computed where the bytes lie; only the version's
 * two bytes are added to it here.
 */
export class TransientRestorePayload extends LazyArg {
  readonly byteLength: number;
  constructor(
    private readonly rdbType: number,
    private readonly src: Uint8Array,
    private readonly start: number,
    private readonly end: number,
    private readonly crcLo: number,
    private readonly crcHi: number,
    private readonly rdbVersion: number,
  ) {
    super();
    this.byteLength = end - start + 11;
  }

  writeTo(target: Buffer, at: number): void {
    const { src, start, end } = this;
    const n = end - start;
    target[at] = this.rdbType;
    if (n < 64) for (let i = 0; i < n; i++) target[at + 1 + i] = src[start + i];
    else target.set(src.subarray(start, end), at + 1);
    const v = at + 1 + n;
    const v0 = this.rdbVersion & 0xff;
    const v1 = (this.rdbVersion >>> 8) & 0xff;
    target[v] = v0;
    target[v + 1] = v1;
    if (this.crcLo >= 0) {
      crc.lo = this.crcLo;
      crc.hi = this.crcHi;
      crc.byte(v0).byte(v1);
    } else {
      crc.lo = 0;
      crc.hi = 0;
      crc.update(target, at, v + 2);
    }
    crc.writeLE(target, v + 2);
  }
}
