import { afterAll, describe, expect, it } from "vitest";
import { startRedis, stopAll } from "../../testing/redis-harness";
import { Crc64, crc64, crcBackend, crcWindow, useCrcBackend, type CrcBackend } from "./crc64";
import { WINDOW_BASE } from "./crc64-wasm";
import { corpusFiles, parseChunks } from "./corpus.test-helper";

function random(n: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  let x = seed || 1;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

/** bit-at-a-time reference straight from the definition (reflected Jones polynomial) */
function reference(buf: Uint8Array): bigint {
  const poly = 0x95ac9329ac4bc9b5n;
  let crc = 0n;
  for (const byte of buf) {
    crc ^= BigInt(byte);
    for (let i = 0; i < 8; i++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  return crc;
}

afterAll(stopAll);

describe("crc64 (Redis crc64.c, Jones polynomial)", () => {
  it("matches the check value of crc64.c", () => {
    expect(crc64(Buffer.from("123456789")).toString(16)).toBe("e9c6d914c4b8d9ca");
    expect(crc64(Buffer.alloc(0))).toBe(0n);
  });

  it("runs on the native addon here (npm install builds it; without it every full sync checksums ~5x slower)", () => {
    expect(crcBackend()).toEqual({ backend: "native", whyNotNative: null });
  });

  it("matches a bit-by-bit reference on the JavaScript, WebAssembly and native paths, any alignment and slicing", () => {
    const data = random(20_000, 9);
    for (const path of ["js", "wasm", "native"] as CrcBackend[]) {
      expect(useCrcBackend(path), `${path} is available here`).toBe(true);
      try {
        for (const [start, end] of [[0, 1], [1, 9], [3, 4100], [5, 20_000], [0, 8192], [7, 13_000]]) {
          const want = reference(data.subarray(start, end));
          expect(crc64(data, start, end), `${path} ${start}..${end}`).toBe(want);
          const c = new Crc64();
          for (let p = start; p < end; p += 777) c.update(data, p, Math.min(end, p + 777));
          expect(c.value()).toBe(want);
          // an unaligned view of the same bytes
          const copy = Buffer.alloc(end - start + 3);
          data.copy(copy, 3, start, end);
          expect(crc64(copy.subarray(3))).toBe(want);
        }
      } finally {
        useCrcBackend(null);
      }
    }
  });

  it("folds every length from 0 to 300 at every alignment of 16, from any state, on the native path", () => {
    expect(useCrcBackend("native")).toBe(true);
    try {
      const data = random(400, 5);
      for (let start = 0; start < 16; start++) {
        for (let n = 0; n <= 300; n++) {
          const want = reference(data.subarray(start, start + n));
          expect(crc64(data, start, start + n), `${start}+${n}`).toBe(want);
          // split: the state of the first part carries into the second
          const cut = n >> 1;
          expect(new Crc64().update(data, start, start + cut).update(data, start + cut, start + n).value(), `${start}+${n} cut ${cut}`).toBe(want);
        }
      }
    } finally {
      useCrcBackend(null);
    }
  });

  it("computes short and long ranges in the WebAssembly window at every offset, continuing from any state", () => {
    expect(useCrcBackend("wasm")).toBe(true);
    const w = crcWindow();
    useCrcBackend(null);
    expect(w, "WebAssembly is available here").not.toBeNull();
    const data = random(5000, 3);
    w!.memory.set(data, WINDOW_BASE);
    w!.owner = "crc64 test";
    const lengths = [...Array.from({ length: 70 }, (_, i) => i), 127, 128, 129, 1000, 4093];
    for (const start of [0, 1, 2, 3, 5, 7, 8, 13]) {
      for (const n of lengths) {
        const want = reference(data.subarray(start, start + n));
        const lo = w!.at(WINDOW_BASE + start, n, 0, 0);
        expect((BigInt(w!.hi) << 32n) | BigInt(lo), `${start}+${n}`).toBe(want);
      }
    }
    // split in two at every point of a 40-byte range: the state carries over
    const want = reference(data.subarray(1, 41));
    for (let cut = 0; cut <= 40; cut++) {
      const lo1 = w!.at(WINDOW_BASE + 1, cut, 0, 0);
      const lo2 = w!.at(WINDOW_BASE + 1 + cut, 40 - cut, lo1, w!.hi);
      expect((BigInt(w!.hi) << 32n) | BigInt(lo2 >>> 0), `cut ${cut}`).toBe(want);
    }
  });

  it("reproduces the checksum stored at the end of every RDB 5+ corpus file", () => {
    let checked = 0;
    for (const f of corpusFiles().filter((x) => x.version >= 5)) {
      const len = parseChunks([f.data]).consumed;
      const stored = f.data.readBigUInt64LE(len - 8);
      if (stored === 0n) continue;
      expect(crc64(f.data, 0, len - 8), f.name).toBe(stored);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });

  it("reproduces the footer of DUMP payloads from a live server", async () => {
    const node = await startRedis();
    const c = node.client();
    await c.set("small", "x");
    await c.set("big", random(300_000, 3));
    await c.rpush("list", "a", "b", "c");
    for (const key of ["small", "big", "list"]) {
      const payload = (await c.dumpBuffer(key))!;
      const body = payload.subarray(0, payload.length - 8);
      expect(crc64(body), key).toBe(payload.readBigUInt64LE(payload.length - 8));
      const footer = Buffer.alloc(8);
      new Crc64().update(body).writeLE(footer, 0);
      expect(footer.equals(payload.subarray(payload.length - 8))).toBe(true);
    }
  });
});
