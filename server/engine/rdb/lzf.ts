import { corrupt } from "./constants";

/**
 * LZF decompression (liblzf's format, as Redis writes compressed strings). A back-reference of 3
 * bytes expands to at most 264 bytes, so a declared length above 88x the compressed size cannot be
 * real: it is rejected before anything is allocated.
 */
export const LZF_MAX_RATIO = 88;

/**
 * Decompresses src[start, end) into a new buffer of exactly `outLen` bytes. `offset` is the absolute
 * position of src[start] in the RDB, for error messages.
 */
export function lzfDecompress(src: Uint8Array, start: number, end: number, outLen: number, offset: number): Buffer {
  checkLzfLength(start, end, outLen, offset);
  const out = Buffer.allocUnsafe(outLen);
  lzfDecompressInto(src, start, end, out, outLen, offset);
  return out;
}

/** Throws unless `outLen` could really come out of end - start compressed bytes. */
export function checkLzfLength(start: number, end: number, outLen: number, offset: number): void {
  if (outLen > (end - start) * LZF_MAX_RATIO + 8) throw corrupt(`LZF string declares ${outLen} bytes from ${end - start} compressed bytes`, offset);
}

/** Decompresses into out[0, outLen) (out may be a reused scratch buffer at least that long). */
export function lzfDecompressInto(src: Uint8Array, start: number, end: number, out: Uint8Array, outLen: number, offset: number): void {
  let ip = start;
  let op = 0;
  while (ip < end) {
    const ctrl = src[ip++];
    if (ctrl < 32) {
      // literal run of ctrl + 1 bytes
      const run = ctrl + 1;
      if (op + run > outLen) throw corrupt("LZF literal run overflows the declared length", offset + (ip - 1 - start));
      if (ip + run > end) throw corrupt("LZF literal run past the end of the compressed data", offset + (ip - 1 - start));
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
    // byte by byte: source and destination may overlap (run-length style references)
    for (let i = 0; i < len; i++) out[op++] = out[ref + i];
  }
  if (op !== outLen) throw corrupt(`LZF data decompressed to ${op} bytes instead of ${outLen}`, offset);
}
