import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startRedis, stopAll } from "../../testing/redis-harness";
import { crc64, useCrcBackend } from "./crc64";
import { PayloadFooters } from "./payload-footers";

afterAll(stopAll);
afterEach(() => void useCrcBackend(null));

/** payloads of random sizes laid out one after another, each with 8 bytes of room for its footer */
function staged(sizes: number[], seed: number): { buf: Buffer; ranges: Array<[number, number]> } {
  const buf = Buffer.alloc(sizes.reduce((a, n) => a + n + 8 + 3, 0));
  let x = seed;
  for (let i = 0; i < buf.length; i++) buf[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  const ranges: Array<[number, number]> = [];
  let p = 0;
  for (const n of sizes) {
    p += 3; // something between payloads (RESP framing in the writer)
    ranges.push([p, p + n]);
    p += n + 8;
  }
  return { buf, ranges };
}

const footerOf = (buf: Buffer, [s, e]: [number, number]) => buf.readBigUInt64LE(e);

describe("payload footers (one native call per staged buffer)", () => {
  it("writes each range's CRC-64 after it, pending in the open buffer until settle(), at once elsewhere", () => {
    const sizes = Array.from({ length: 3000 }, (_, i) => [0, 1, 7, 8, 15, 16, 31, 32, 33, 63, 64, 300, 4097][i % 13]);
    const open = staged(sizes, 7);
    const other = staged([5, 100, 1000], 9);
    const want = open.ranges.map(([s, e]) => crc64(open.buf, s, e));
    const f = new PayloadFooters();
    f.open(open.buf);
    for (const r of open.ranges) f.write(open.buf, r[0], r[1]);
    // more than the initial room for ranges: it grew, and nothing was written yet
    expect(f.pending).toBe(3000);
    expect(footerOf(open.buf, open.ranges[0])).not.toBe(want[0]);
    // a buffer that was not opened gets its footer now, and leaves the open one pending
    for (const r of other.ranges) f.write(other.buf, r[0], r[1]);
    expect(other.ranges.map((r) => footerOf(other.buf, r))).toEqual(other.ranges.map(([s, e]) => crc64(other.buf, s, e)));
    expect(f.pending).toBe(3000);
    f.settle(other.buf); // not the open buffer: nothing happens
    expect(f.pending).toBe(3000);
    f.settle(open.buf);
    expect(f.pending).toBe(0);
    expect(open.ranges.map((r) => footerOf(open.buf, r))).toEqual(want);
  });

  it("settles the open buffer when another is opened, and when closed", () => {
    const a = staged([40, 50], 1);
    const b = staged([60], 2);
    const f = new PayloadFooters();
    f.open(a.buf);
    f.write(a.buf, ...a.ranges[0]);
    f.open(b.buf);
    expect(footerOf(a.buf, a.ranges[0])).toBe(crc64(a.buf, ...a.ranges[0]));
    f.write(b.buf, ...b.ranges[0]);
    f.close(b.buf);
    expect(footerOf(b.buf, b.ranges[0])).toBe(crc64(b.buf, ...b.ranges[0]));
    // closed: later footers of that buffer are written at once
    f.write(b.buf, 3, 10);
    expect(f.pending).toBe(0);
    expect(b.buf.readBigUInt64LE(10)).toBe(crc64(b.buf, 3, 10));
  });

  it("computes every footer at once on the WebAssembly and JavaScript paths", () => {
    for (const backend of ["wasm", "js"] as const) {
      expect(useCrcBackend(backend)).toBe(true);
      const s = staged([20, 200], 3);
      const f = new PayloadFooters();
      f.open(s.buf);
      for (const r of s.ranges) f.write(s.buf, r[0], r[1]);
      expect(f.pending).toBe(0);
      expect(s.ranges.map((r) => footerOf(s.buf, r))).toEqual(s.ranges.map(([st, e]) => crc64(s.buf, st, e)));
    }
  });

  it("produces payloads Redis accepts: DUMPs rebuilt with batched footers RESTORE to the same values", async () => {
    const node = await startRedis();
    const c = node.client();
    const keys = Array.from({ length: 200 }, (_, i) => `k${i}`);
    for (const k of keys) await c.rpush(k, ...Array.from({ length: 1 + (k.length * 7) % 50 }, (_, j) => `${k}-element-${j}`));
    const dumps = await Promise.all(keys.map((k) => c.dumpBuffer(k)));
    // each payload without its footer, staged in one buffer with room for the footer, then footers batched
    const buf = Buffer.alloc(dumps.reduce((a, d) => a + d.length, 0));
    const ranges: Array<[number, number]> = [];
    let p = 0;
    for (const d of dumps) {
      d.copy(buf, p, 0, d.length - 8);
      ranges.push([p, p + d.length - 8]);
      p += d.length;
    }
    const f = new PayloadFooters();
    f.open(buf);
    for (const r of ranges) f.write(buf, r[0], r[1]);
    f.settle(buf);
    for (let i = 0; i < keys.length; i++) {
      const [s, e] = ranges[i];
      expect(buf.subarray(s, e + 8).equals(dumps[i])).toBe(true);
      await c.restore(`copy:${keys[i]}`, 0, buf.subarray(s, e + 8));
      expect(await c.lrange(`copy:${keys[i]}`, 0, -1)).toEqual(await c.lrange(keys[i], 0, -1));
    }
  });
});
