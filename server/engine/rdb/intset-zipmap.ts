import { corrupt } from "./constants";

/**
 * Intsets (intset.c): <encoding u32: 2|4|8><length u32><sorted little-endian integers>, and zipmaps
 * (zipmap.c, Redis < 2.6 hashes): <count u8><len><field><len><free u8><value><free bytes>...0xFF.
 * Both validated fully (intsetValidateIntegrity / zipmapValidateIntegrity, deep).
 */

/** Validates an intset and returns its members as decimal strings' source integers. */
export function readIntset(buf: Uint8Array, start: number, end: number, offset: number): (number | bigint)[] {
  const size = end - start;
  if (size < 8) throw corrupt("intset shorter than its header", offset);
  const enc = (buf[start] | (buf[start + 1] << 8) | (buf[start + 2] << 16) | (buf[start + 3] << 24)) >>> 0;
  if (enc !== 2 && enc !== 4 && enc !== 8) throw corrupt(`intset has invalid encoding ${enc}`, offset);
  const count = (buf[start + 4] | (buf[start + 5] << 8) | (buf[start + 6] << 16) | (buf[start + 7] << 24)) >>> 0;
  if (8 + count * enc !== size) throw corrupt(`intset of ${count} x ${enc}-byte integers does not fill its ${size} bytes`, offset);
  if (count === 0) throw corrupt("intset is empty", offset);
  const view = Buffer.from(buf.buffer, buf.byteOffset + start, size);
  const out: (number | bigint)[] = [];
  let prev: number | bigint = -Infinity;
  for (let i = 0, p = 8; i < count; i++, p += enc) {
    let v: number | bigint;
    if (enc === 2) v = view.readInt16LE(p);
    else if (enc === 4) v = view.readInt32LE(p);
    else {
      const b = view.readBigInt64LE(p);
      v = b >= -9007199254740991n && b <= 9007199254740991n ? Number(b) : b;
    }
    if (!(v > prev)) throw corrupt("intset members are not strictly ascending", offset + p);
    prev = v;
    out.push(v);
  }
  return out;
}

export function validateIntset(buf: Uint8Array, start: number, end: number, offset: number): void {
  readIntset(buf, start, end, offset);
}

/** Validates a zipmap and returns its [field, value] pairs as views into buf. */
export function readZipmap(buf: Uint8Array, start: number, end: number, offset: number): [Buffer, Buffer][] {
  const size = end - start;
  if (size < 2) throw corrupt("zipmap shorter than its header", offset);
  if (buf[end - 1] !== 0xff) throw corrupt("zipmap does not end with its terminator", offset + size - 1);
  const last = end - 1;
  const fail = (what: string, at: number): never => {
    throw corrupt(`zipmap ${what}`, offset + (at - start));
  };
  const readLen = (p: number): [number, number] => {
    if (p > last) fail("entry runs past the end", p);
    const b = buf[p];
    if (b < 254) return [b, p + 1];
    if (b === 255) fail("entry truncated by the terminator", p);
    if (p + 5 > last) fail("length truncated", p);
    return [(buf[p + 1] | (buf[p + 2] << 8) | (buf[p + 3] << 16) | (buf[p + 4] << 24)) >>> 0, p + 5];
  };
  const view = (s: number, n: number) => Buffer.from(buf.buffer, buf.byteOffset + s, n);
  const pairs: [Buffer, Buffer][] = [];
  let p = start + 1;
  while (buf[p] !== 0xff) {
    const [flen, fp] = readLen(p);
    if (fp + flen > last) fail("field runs past the end", p);
    const field = view(fp, flen);
    const [vlen, vp] = readLen(fp + flen);
    if (vp >= last) fail("value header truncated", vp);
    const free = buf[vp];
    const next = vp + 1 + vlen + free;
    if (next > last) fail("value runs past the end", fp + flen);
    pairs.push([field, view(vp + 1, vlen)]);
    p = next;
  }
  if (p !== last) fail("has a terminator before its end", p);
  if (pairs.length === 0) fail("is empty", start);
  if (buf[start] < 254 && buf[start] !== pairs.length) fail(`header counts ${buf[start]} entries but holds ${pairs.length}`, start);
  return pairs;
}

export function validateZipmap(buf: Uint8Array, start: number, end: number, offset: number): void {
  readZipmap(buf, start, end, offset);
}
