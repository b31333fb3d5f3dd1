import { existsSync } from "node:fs";
import path from "node:path";
import { projectRoot } from "../../paths";

/** The addon built from native/crc64.c by scripts/build-native.cjs (postinstall, launcher, npm test). */
export interface NativeCrc64 {
  /** continues the CRC (lo, hi) over bytes[start, end); returns the low half, the high one is in `hi[0]` */
  update(bytes: Uint8Array, start: number, end: number, lo: number, hi: number): number;
  readonly hi: Uint32Array;
  /** for each i < count: the CRC-64 of bytes[ranges[2i], ranges[2i+1]) written 8 bytes LE at ranges[2i+1] */
  footers(bytes: Uint8Array, ranges: Int32Array, count: number): void;
  /** true when it folds with PCLMULQDQ (x86-64), false on its table path */
  readonly clmul: boolean;
}

/**
 * Loads the addon (process.dlopen: no bundler resolves it) and checks it against CRC-64's check
 * value before trusting it. Never throws: without it, `error` says why, and crc64.ts uses WebAssembly.
 */
export function loadNativeCrc64(): { addon: NativeCrc64 | null; error: string | null } {
  const file = path.join(projectRoot(), ".cache", "native", "crc64.node");
  if (!existsSync(file)) return { addon: null, error: `${file} is not built (npm install builds it with a C compiler: scripts/build-native.cjs)` };
  try {
    const m = { exports: {} as { update?: NativeCrc64["update"]; bind?: (hi: Uint32Array) => void; footers?: NativeCrc64["footers"]; clmul?: boolean } };
    process.dlopen(m, file);
    const { update, bind, footers, clmul } = m.exports;
    if (typeof update !== "function" || typeof bind !== "function" || typeof footers !== "function") return { addon: null, error: `${file} has no update()/bind()/footers() (a big-endian host, or built from an older source?)` };
    const hi = new Uint32Array(1);
    bind(hi);
    const lo = update(Buffer.from("123456789123456789123456789123456789"), 0, 36, 0, 0);
    const check = (BigInt(hi[0]) << 32n) | BigInt(lo);
    if (check !== 0xb832f58a29ea997dn) return { addon: null, error: `${file} computes a wrong CRC-64 (${check.toString(16)})` };
    return { addon: { update, hi, footers, clmul: clmul === true }, error: null };
  } catch (err) {
    return { addon: null, error: `${file} could not be loaded: ${(err as Error).message}` };
  }
}
