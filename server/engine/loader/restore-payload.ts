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

