import { Crc64 } from "./crc64";

/**
 * Builds small RDB files byte by byte for tests of records no local server writes (pre-GA formats,
 * Valkey 9 opcodes, module data). Independent of the parser's code on purpose.
 */

export function len(n: number | bigint): Buffer {
  const v = BigInt(n);
  if (v < 64n) return Buffer.from([Number(v)]);
  if (v < 16384n) return Buffer.from([0x40 | Number(v >> 8n), Number(v & 0xffn)]);
  if (v <= 0xffffffffn) {
    const b = Buffer.alloc(5);
    b[0] = 0x80;
    b.writeUInt32BE(Number(v), 1);
    return b;
  }
  const b = Buffer.alloc(9);
  b[0] = 0x81;
  b.writeBigUInt64BE(v, 1);
  return b;
}

export function str(s: string | Buffer): Buffer {
  const b = typeof s === "string" ? Buffer.from(s) : s;
  return Buffer.concat([len(b.length), b]);
}

export function u64le(n: number | bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(n));
  return b;
}

/** header + records + EOF + CRC64 (version >= 5) */
export function rdbFile(records: Buffer[], version = 9, magic: "REDIS" | "VALKEY" = "REDIS"): Buffer {
  const head = Buffer.from(magic === "REDIS" ? `REDIS${String(version).padStart(4, "0")}` : `VALKEY${String(version).padStart(3, "0")}`, "latin1");
  const body = Buffer.concat([head, ...records, Buffer.from([0xff])]);
  if (version < 5 && magic === "REDIS") return body;
  const crc = Buffer.alloc(8);
  new Crc64().update(body).writeLE(crc, 0);
  return Buffer.concat([body, crc]);
}

/** a listpack of strings (6/12-bit lengths) and integers (7-bit or int64) */
export function listpack(items: (string | number | bigint)[]): Buffer {
  const entries: Buffer[] = [];
  for (const it of items) {
    let enc: Buffer;
    if (typeof it === "string") {
      const s = Buffer.from(it);
      enc = s.length < 64 ? Buffer.concat([Buffer.from([0x80 | s.length]), s]) : Buffer.concat([Buffer.from([0xe0 | (s.length >> 8), s.length & 0xff]), s]);
    } else if (typeof it === "number" && it >= 0 && it < 128) {
      enc = Buffer.from([it]);
    } else {
      enc = Buffer.alloc(9);
      enc[0] = 0xf4;
      enc.writeBigInt64LE(BigInt(it), 1);
    }
    const l = enc.length;
    const back = l <= 127 ? Buffer.from([l]) : Buffer.from([l >> 7, (l & 127) | 128]);
    entries.push(enc, back);
  }
  const body = Buffer.concat(entries);
  const out = Buffer.alloc(6 + body.length + 1);
  out.writeUInt32LE(out.length, 0);
  out.writeUInt16LE(items.length, 4);
  body.copy(out, 6);
  out[out.length - 1] = 0xff;
  return out;
}

/** the 64-bit id of a module type: 9 name characters of 6 bits, then a 10-bit encoding version */
export function moduleId(name: string, encver: number): bigint {
  const cset = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  let id = 0n;
  for (const ch of name) id = (id << 6n) | BigInt(cset.indexOf(ch));
  return (id << 10n) | BigInt(encver);
}
