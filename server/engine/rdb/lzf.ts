import { constants } from "node:buffer";
import { DtsError } from "../../errors";
import { corrupt } from "./constants";

/**
 * LZF decompression (liblzf's format, as Redis writes compressed strings).
 *
 * The declared decompressed length is untrusted. A back-reference of 3 bytes expands to at most
 * 264 bytes, so a length above 88x the compressed size is rejected outright. A value that is kept
 * is decompressed into one buffer of its declared length: growing it by doubling from a plausible
 * size cost the last two sizes at once plus the garbage of each step (a 256 MB string of one
 * repeated byte: 192 + 256 MB). The buffer is not zeroed, so its pages cost memory only as the data
 * really fills them; a forged length ends in an error before the result is used. Data that is
 * only checked goes into a scratch buffer that grows with what the data produces.
 */
export const LZF_MAX_RATIO = 88;

function initialSize(start: number, end: number, outLen: number): number {
  return Math.min(outLen, (end - start) * 8 + 1024);
}

function checkLength(start: number, end: number, outLen: number, offset: number): void {
  if (outLen > (end - start) * LZF_MAX_RATIO + 8) throw corrupt(`LZF string declares ${outLen} bytes from ${end - start} compressed bytes`, offset);
  if (outLen > constants.MAX_LENGTH) throw new DtsError("RDB_UNSUPPORTED", `a string of ${outLen} bytes is larger than this process can hold, at byte offset ${offset}`);
}

/**
 * Decompresses src[start, end) into a new buffer of exactly `outLen` bytes. `offset` is the absolute
 * position of src[start] in the RDB, for error messages.
 */
export function lzfDecompress(src: Uint8Array, start: number, end: number, outLen: number, offset: number): Buffer {
  checkLength(start, end, outLen, offset);
  return decompress(src, start, end, outLen, offset, Buffer.allocUnsafe(outLen));
}

/**
 * Decompresses into `scratch` when it is big enough (it holds the result in [0, outLen) then),
 * else into a new buffer; returns the buffer used. For data that is only checked, not kept.
 */
export function lzfDecompressScratch(src: Uint8Array, start: number, end: number, outLen: number, offset: number, scratch: Buffer): Buffer {
  checkLength(start, end, outLen, offset);
  const out = scratch.length >= initialSize(start, end, outLen) ? scratch : Buffer.allocUnsafe(initialSize(start, end, outLen));
  return decompress(src, start, end, outLen, offset, out);
}

function grow(out: Buffer, need: number, outLen: number): Buffer {
  const bigger = Buffer.allocUnsafe(Math.min(outLen, Math.max(need, out.length * 2)));
  out.copy(bigger, 0, 0, out.length);
  return bigger;
}

function decompress(src: Uint8Array, start: number, end: number, outLen: number, offset: number, out: Buffer): Buffer {
  let ip = start;
  let op = 0;
  while (ip < end) {
    const ctrl = src[ip++];
    if (ctrl < 32) {
      // literal run of ctrl + 1 bytes
      const run = ctrl + 1;
      if (op + run > outLen) throw corrupt("LZF literal run overflows the declared length", offset + (ip - 1 - start));
      if (ip + run > end) throw corrupt("LZF literal run past the end of the compressed data", offset + (ip - 1 - start));
      if (op + run > out.length) out = grow(out, op + run, outLen);
      for (let i = 0; i < run; i++) out[op++] = src[ip++];
      continue;
    }
    let len = ctrl >> 5;
    if (len === 7) {
      if (ip >= end) throw corrupt("LZF back-reference truncated", offset + (ip - start));
      len += src[ip++];
    }
    if (ip >= end) throw corrupt("LZF back-reference truncated", offset + (ip - start));
    const ref = op - ((ctrl & 0x1f) << 8) - src[ip++] - 1;
    len += 2;
    if (ref < 0) throw corrupt("LZF back-reference before the start of the output", offset + (ip - start));
    if (op + len > outLen) throw corrupt("LZF back-reference overflows the declared length", offset + (ip - start));
    if (op + len > out.length) out = grow(out, op + len, outLen);
    // byte by byte: source and destination may overlap (run-length style references)
    for (let i = 0; i < len; i++) out[op++] = out[ref + i];
  }
  if (op !== outLen) throw corrupt(`LZF data decompressed to ${op} bytes instead of ${outLen}`, offset);
  return out;
}
