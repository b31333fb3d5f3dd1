/**
 * The bulk path of CRC-64 (see crc64.ts) as a tiny WebAssembly function: WASM has native 64-bit
 * integers, so slicing-by-8 runs on one i64 register instead of two uint32 halves (about 1.5x the
 * JavaScript rate). The module is assembled here from named opcodes (no build step, no binary
 * blob); its tables are written into its memory from the JavaScript tables. If WebAssembly is not
 * available, `crc64Wasm` is null and callers use the JavaScript loop.
 */

const TABLES_BYTES = 8 * 256 * 8;
/** input is copied into the module's memory in pieces of this size, after the tables */
export const WASM_PIECE = 64 * 1024;

// opcodes used below (WebAssembly core spec, binary format)
const BLOCK = 0x02, LOOP = 0x03, BR = 0x0c, BR_IF = 0x0d, END = 0x0b, VOID = 0x40;
const GET = 0x20, SET = 0x21;
const I32_CONST = 0x41, I64_CONST = 0x42;
const I64_LOAD = 0x29, I32_LOAD8_U = 0x2d;
const I32_GE_U = 0x4f, I32_ADD = 0x6a, I32_AND = 0x71, I32_XOR = 0x73, I32_SHL = 0x74;
const I64_XOR = 0x85, I64_SHR_U = 0x88, I32_WRAP_I64 = 0xa7;
const I32 = 0x7f, I64 = 0x7e;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/** crc(p, n, crc) -> crc over memory[p, p+n); tables at 0: table k at k*2048, entry i at i*8 */
function assemble(): Uint8Array {
  const P = 0, N = 1, CRC = 2, END8 = 3, STOP = 4, X = 5;
  const b: number[] = [];
  const table = (k: number) => [I64_LOAD, 3, ...uleb(k * 2048)];
  const index = [I32_CONST, 0xff, 0x01, I32_AND, I32_CONST, 3, I32_SHL]; // (v & 255) * 8
  b.push(GET, P, GET, N, I32_ADD, SET, STOP);
  b.push(GET, P, GET, N, I32_CONST, 0x78 /* -8 */, I32_AND, I32_ADD, SET, END8);
  // 8 bytes at a time: x = crc ^ load64(p); crc = T7[x0] ^ T6[x1] ^ ... ^ T0[x7]
  b.push(BLOCK, VOID, LOOP, VOID, GET, P, GET, END8, I32_GE_U, BR_IF, 1);
  b.push(GET, CRC, GET, P, I64_LOAD, 3, 0, I64_XOR, SET, X);
  for (let k = 0; k < 8; k++) {
    b.push(GET, X);
    if (k > 0) b.push(I64_CONST, 8 * k, I64_SHR_U);
    b.push(I32_WRAP_I64, ...index, ...table(7 - k));
    if (k > 0) b.push(I64_XOR);
  }
  b.push(SET, CRC, GET, P, I32_CONST, 8, I32_ADD, SET, P, BR, 0, END, END);
  // the last bytes one at a time: crc = T0[(crc ^ byte) & 255] ^ (crc >> 8)
  b.push(BLOCK, VOID, LOOP, VOID, GET, P, GET, STOP, I32_GE_U, BR_IF, 1);
  b.push(GET, CRC, I32_WRAP_I64, GET, P, I32_LOAD8_U, 0, 0, I32_XOR, ...index, ...table(0));
  b.push(GET, CRC, I64_CONST, 8, I64_SHR_U, I64_XOR, SET, CRC);
  b.push(GET, P, I32_CONST, 1, I32_ADD, SET, P, BR, 0, END, END);
  b.push(GET, CRC, END);
  const func = [2, 2, I32, 1, I64, ...b]; // locals: 2 x i32 (END8, STOP), 1 x i64 (X)
  const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
  const name = (s: string) => [s.length, ...Buffer.from(s, "latin1")];
  const pages = Math.ceil((TABLES_BYTES + WASM_PIECE) / 65536);
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 3, I32, I32, I64, 1, I64]), // type: (i32, i32, i64) -> i64
    ...section(3, [1, 0]), // one function of type 0
    ...section(5, [1, 0, pages]), // memory
    ...section(7, [2, ...name("crc"), 0, 0, ...name("mem"), 2, 0]), // exports
    ...section(10, [1, ...uleb(func.length), ...func]), // code
  ]);
}

export interface Crc64Wasm {
  /** continues crc (lo, hi halves) over buf[start, end); returns the new halves */
  update(buf: Uint8Array, start: number, end: number, lo: number, hi: number): [number, number];
}

export function createCrc64Wasm(lo: Uint32Array, hi: Uint32Array): Crc64Wasm | null {
  try {
    if (typeof WebAssembly === "undefined") return null;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(assemble() as BufferSource), {});
    const memory = instance.exports.mem as WebAssembly.Memory;
    const crc = instance.exports.crc as (p: number, n: number, c: bigint) => bigint;
    const view = new DataView(memory.buffer);
    for (let i = 0; i < lo.length; i++) {
      view.setUint32(i * 8, lo[i], true);
      view.setUint32(i * 8 + 4, hi[i], true);
    }
    const bytes = new Uint8Array(memory.buffer);
    return {
      update(buf, start, end, clo, chi) {
        let c = BigInt.asIntN(64, (BigInt(chi >>> 0) << 32n) | BigInt(clo >>> 0));
        for (let p = start; p < end; p += WASM_PIECE) {
          const n = Math.min(WASM_PIECE, end - p);
          bytes.set(buf.subarray(p, p + n), TABLES_BYTES);
          c = crc(TABLES_BYTES, n, c);
        }
        const u = BigInt.asUintN(64, c);
        return [Number(u & 0xffffffffn), Number(u >> 32n)];
      },
    };
  } catch {
    return null;
  }
}
