/**
 * Redis's CRC-64 (crc64.c): Jones polynomial 0xad93d23594c935a9, reflected in and out, init 0,
 * no final xor. Used for the RDB EOF checksum and for DUMP/RESTORE payload footers.
 *
 * JavaScript has no fast 64-bit integers, so the register is kept as two uint32 halves and the
 * input is consumed 8 bytes at a time with slicing-by-8 tables (one lookup per input byte, no
 * BigInt on the hot path).
 */

import { createCrc64Wasm, type Crc64Wasm } from "./crc64-wasm";
import { loadNativeCrc64 } from "./crc64-native";

const SLICES = 8;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = new Uint32Array(SLICES * 256);
const HI = new Uint32Array(SLICES * 256);

(function buildTables() {
  // reflected polynomial 0x95ac9329ac4bc9b5
  const polyHi = 0x95ac9329;
  const polyLo = 0xac4bc9b5;
  for (let i = 0; i < 256; i++) {
    let lo = i;
    let hi = 0;
    for (let bit = 0; bit < 8; bit++) {
      const carry = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (carry) {
        lo = (lo ^ polyLo) >>> 0;
        hi = (hi ^ polyHi) >>> 0;
      }
    }
    LO[i] = lo;
    HI[i] = hi;
  }
  // T[k][i] = T[k-1][i] advanced by one zero byte
  for (let k = 1; k < SLICES; k++) {
    for (let i = 0; i < 256; i++) {
      const plo = LO[(k - 1) * 256 + i];
      const phi = HI[(k - 1) * 256 + i];
      const idx = plo & 0xff;
      LO[k * 256 + i] = (LO[idx] ^ ((plo >>> 8) | (phi << 24))) >>> 0;
      HI[k * 256 + i] = (HI[idx] ^ (phi >>> 8)) >>> 0;
    }
  }
})();

/**
 * Inputs of a few cache lines and more go through the native addon (native/crc64.c: carry-less
 * multiplication, ~6 GB/s) when it is built, else large ones through WebAssembly (same tables, i64
 * arithmetic, ~1.2 GB/s); the rest stays here, where a call costs more than the bytes.
 */
const NATIVE = loadNativeCrc64();
const NATIVE_MIN = 64;
const WASM = createCrc64Wasm(LO, HI);
const WASM_MIN = 4096;

/** A running CRC-64; `update` may be called with any slicing of the input. */
export class Crc64 {
  lo = 0;
  hi = 0;

  update(buf: Uint8Array, start = 0, end = buf.length): this {
    if (backend === "native" && end - start >= NATIVE_MIN) {
      this.lo = NATIVE.addon!.update(buf, start, end, this.lo, this.hi);
      this.hi = NATIVE.addon!.hi[0];
      return this;
    }
    if (backend !== "js" && WASM !== null && end - start >= WASM_MIN) {
      this.lo = WASM.update(buf, start, end, this.lo, this.hi);
      this.hi = WASM.hi;
      return this;
    }
    let lo = this.lo;
    let hi = this.hi;
    let p = start;
    // bytewise up to a 4-byte aligned address, then whole 32-bit words through a typed view
    while (p < end && ((buf.byteOffset + p) & 3) !== 0) {
      const idx = (lo ^ buf[p]) & 0xff;
      lo = LO[idx] ^ ((lo >>> 8) | (hi << 24));
      hi = HI[idx] ^ (hi >>> 8);
      p++;
    }
    const words = LITTLE_ENDIAN ? (end - p) >>> 3 : 0;
    if (words > 0) {
      const w = new Int32Array(buf.buffer, buf.byteOffset + p, words * 2);
      for (let i = 0; i < w.length; i += 2) {
        const a = lo ^ w[i];
        const b = hi ^ w[i + 1];
        const i7 = 7 * 256 + (a & 0xff);
        const i6 = 6 * 256 + ((a >>> 8) & 0xff);
        const i5 = 5 * 256 + ((a >>> 16) & 0xff);
        const i4 = 4 * 256 + (a >>> 24);
        const i3 = 3 * 256 + (b & 0xff);
        const i2 = 2 * 256 + ((b >>> 8) & 0xff);
        const i1 = 256 + ((b >>> 16) & 0xff);
        const i0 = b >>> 24;
        lo = LO[i7] ^ LO[i6] ^ LO[i5] ^ LO[i4] ^ LO[i3] ^ LO[i2] ^ LO[i1] ^ LO[i0];
        hi = HI[i7] ^ HI[i6] ^ HI[i5] ^ HI[i4] ^ HI[i3] ^ HI[i2] ^ HI[i1] ^ HI[i0];
      }
      p += words * 8;
    }
    while (p < end) {
      const idx = (lo ^ buf[p]) & 0xff;
      lo = LO[idx] ^ ((lo >>> 8) | (hi << 24));
      hi = HI[idx] ^ (hi >>> 8);
      p++;
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
    return this;
  }

  /** continues over one byte (a few bytes after a precomputed CRC, without update()'s set-up) */
  byte(b: number): this {
    const lo = this.lo;
    const hi = this.hi;
    const idx = (lo ^ b) & 0xff;
    this.lo = (LO[idx] ^ ((lo >>> 8) | (hi << 24))) >>> 0;
    this.hi = (HI[idx] ^ (hi >>> 8)) >>> 0;
    return this;
  }

  /** the CRC as an unsigned 64-bit BigInt */
  value(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /** the 8 bytes little-endian, as Redis stores them after the EOF opcode and in DUMP footers */
  writeLE(target: Uint8Array, offset: number): void {
    const { lo, hi } = this;
    target[offset] = lo & 0xff;
    target[offset + 1] = (lo >>> 8) & 0xff;
    target[offset + 2] = (lo >>> 16) & 0xff;
    target[offset + 3] = lo >>> 24;
    target[offset + 4] = hi & 0xff;
    target[offset + 5] = (hi >>> 8) & 0xff;
    target[offset + 6] = (hi >>> 16) & 0xff;
    target[offset + 7] = hi >>> 24;
  }

  /** true when the 8 bytes at `offset` (little-endian) equal this CRC */
  matchesLE(buf: Uint8Array, offset: number): boolean {
    const lo = (buf[offset] | (buf[offset + 1] << 8) | (buf[offset + 2] << 16) | (buf[offset + 3] << 24)) >>> 0;
    const hi = (buf[offset + 4] | (buf[offset + 5] << 8) | (buf[offset + 6] << 16) | (buf[offset + 7] << 24)) >>> 0;
    return lo === this.lo && hi === this.hi;
  }
}

/** CRC-64 of a whole buffer as an unsigned BigInt. */
export function crc64(buf: Uint8Array, start = 0, end = buf.length): bigint {
  return new Crc64().update(buf, start, end).value();
}

/**
 * The WebAssembly CRC with its window (see crc64-wasm.ts), for callers that checksum many short ranges
 * of one buffer: mirror the buffer into the window once, then `at()` each range. Null without
 * WebAssembly (or while tests force the JavaScript path).
 */
export function crcWindow(): Crc64Wasm | null {
  // with the addon a range is checksummed where it lies, without mirroring it first
  return backend === "wasm" ? WASM : null;
}

/** The CRC state after one byte from zero (a DUMP payload's type byte): low and high halves. */
export function crcOfByteLo(byte: number): number {
  return LO[byte & 0xff];
}
export function crcOfByteHi(byte: number): number {
  return HI[byte & 0xff];
}

export type CrcBackend = "native" | "wasm" | "js";
const DEFAULT_BACKEND: CrcBackend = NATIVE.addon ? "native" : WASM ? "wasm" : "js";
let backend: CrcBackend = DEFAULT_BACKEND;

/** Which CRC runs the bulk of the work, and why not the addon when it does not (an operator's note). */
export function crcBackend(): { backend: CrcBackend; whyNotNative: string | null } {
  return { backend, whyNotNative: NATIVE.addon ? null : NATIVE.error };
}

/** @internal tests: run one path (false when it is not available here); null: the default */
export function useCrcBackend(b: CrcBackend | null): boolean {
  const want = b ?? DEFAULT_BACKEND;
  if ((want === "native" && !NATIVE.addon) || (want === "wasm" && !WASM)) return false;
  backend = want;
  return true;
}

/** The addon's batch of payload footers while it runs the bulk of the work (payload-footers.ts), else null. */
export function nativeFooters(): ((bytes: Uint8Array, ranges: Int32Array, count: number) => void) | null {
  return backend === "native" && NATIVE.addon ? NATIVE.addon.footers : null;
}
