import { Crc64 } from "../rdb/crc64";

/**
 * A DUMP/RESTORE payload is the serialized value (type byte first), the RDB version as 2 bytes
 * little-endian, then the CRC64 of everything before it, 8 bytes little-endian. The RDB parser hands
 * the first part out as is, so a payload costs one copy and one CRC pass.
 */
export class RestorePayloadBuilder {
  private readonly crc = new Crc64();

  build(raw: Buffer, rdbVersion: number): Buffer {
    const n = raw.length;
    const out = Buffer.allocUnsafe(n + 10);
    raw.copy(out, 0);
    out[n] = rdbVersion & 0xff;
    out[n + 1] = (rdbVersion >>> 8) & 0xff;
    const crc = this.crc;
    crc.lo = 0;
    crc.hi = 0;
    crc.update(out, 0, n + 2);
    crc.writeLE(out, n + 2);
    return out;
  }
}
