import { afterEach, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { Spool, type SpoolRecord } from "./spool";

type Ev = { n: number };
const dirs: string[] = [];
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "spool-test-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const until = async (check: () => boolean, what: string) => {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
};

/** records of random sizes with an event every few, and the bytes they carry joined */
function workload(count: number, maxSize: number): SpoolRecord<Ev>[] {
  const out: SpoolRecord<Ev>[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 7 === 3) out.push({ kind: "event", event: { n: i } });
    else out.push({ kind: "data", data: randomBytes(1 + Math.floor(Math.random() * maxSize)) });
  }
  return out;
}

function sameRecords(got: SpoolRecord<Ev>[], want: SpoolRecord<Ev>[]): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const a = got[i], b = want[i];
    expect(a.kind).toBe(b.kind);
    if (a.kind === "data" && b.kind === "data") expect(a.data.equals(b.data)).toBe(true);
    else expect(a).toEqual(b);
  }
}

describe("spool", () => {
  it("passes records straight through memory while the consumer keeps up (no file)", () => {
    const dir = tempDir();
    const got: SpoolRecord<Ev>[] = [];
    const spool = new Spool<Ev>({ dir, memoryLimit: 1024 }, (r) => got.push(r));
    const want = workload(500, 4000);
    for (const r of want) spool.push(r);
    sameRecords(got, want);
    expect(spool.stats().spilledBytes).toBe(0);
    expect(fs.readdirSync(dir)).toEqual([]);
    spool.close();
  });

  it("spills a backlog to disk with bounded memory and replays it in order", async () => {
    const dir = tempDir();
    const got: SpoolRecord<Ev>[] = [];
    const memoryLimit = 64 * 1024;
    const blockSize = 16 * 1024;
    const spool = new Spool<Ev>({ dir, memoryLimit, blockSize, tickBudget: 32 * 1024 }, (r) => got.push(r));
    spool.pause();
    const want = workload(3000, 3000); // ~3.8 MB, 60x the memory limit
    for (const r of want) spool.push(r);
    const stats = spool.stats();
    expect(stats.spilledBytes).toBeGreaterThan(3 * 1024 * 1024);
    expect(stats.peakMemoryBytes).toBeLessThanOrEqual(memoryLimit + 2 * blockSize + 3000 + 64);
    expect(got.length).toBe(0);
    spool.resume();
    await until(() => got.length === want.length, "the backlog to drain");
    sameRecords(got, want);
    expect(spool.stats().peakMemoryBytes).toBeLessThanOrEqual(memoryLimit + 2 * blockSize + 3000 + 64);
    expect(spool.stats().pendingBytes).toBe(0);
    spool.close();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("keeps order when the consumer pauses and resumes at random while records keep coming", async () => {
    const dir = tempDir();
    const got: SpoolRecord<Ev>[] = [];
    let spool!: Spool<Ev>;
    spool = new Spool<Ev>({ dir, memoryLimit: 8 * 1024, blockSize: 4096, tickBudget: 10_000 }, (r) => {
      got.push(r);
      if (Math.random() < 0.2) {
        spool.pause();
        // resume from the consumer's own callback sometimes synchronously, sometimes later
        if (Math.random() < 0.3) spool.resume();
        else setTimeout(() => spool.resume(), Math.random() < 0.5 ? 0 : 2);
      }
    });
    const want = workload(4000, 1500);
    for (let i = 0; i < want.length; i++) {
      spool.push(want[i]);
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    await until(() => got.length === want.length, "every record");
    sameRecords(got, want);
    expect(spool.stats().spilledBytes).toBeGreaterThan(0);
    spool.close();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("truncates the file each time it is drained, so it never holds more than the worst backlog", async () => {
    const dir = tempDir();
    let count = 0;
    const spool = new Spool<Ev>({ dir, memoryLimit: 4096, blockSize: 4096 }, () => count++);
    for (let round = 0; round < 5; round++) {
      spool.pause();
      for (let i = 0; i < 100; i++) spool.push({ kind: "data", data: Buffer.alloc(1000, round) });
      spool.resume();
      await until(() => count === (round + 1) * 100, "round drained");
    }
    const stats = spool.stats();
    expect(stats.spilledBytes).toBeGreaterThan(5 * 90_000);
    expect(stats.peakFileBytes).toBeLessThan(110_000);
    spool.close();
  });

  it("drops what is pending on close and delivers nothing after", async () => {
    const dir = tempDir();
    let count = 0;
    const spool = new Spool<Ev>({ dir, memoryLimit: 4096 }, () => count++);
    spool.pause();
    for (let i = 0; i < 50; i++) spool.push({ kind: "data", data: Buffer.alloc(1000) });
    spool.close();
    spool.resume();
    spool.push({ kind: "data", data: Buffer.alloc(10) });
    await new Promise((r) => setTimeout(r, 10));
    expect(count).toBe(0);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe("Spool with lent bytes (a reused socket buffer)", () => {
  it("delivers them at once when nothing waits, and keeps a copy of those that must wait (memory and file)", async () => {
    const got: Buffer[] = [];
    let consumer: Buffer | null = null;
    const spool = new Spool<Ev>({ dir: tempDir(), memoryLimit: 3000, blockSize: 4096 }, (r) => {
      if (r.kind !== "data") return;
      consumer = r.data;
      got.push(Buffer.from(r.data)); // the consumer copies what it keeps, during the call
    });
    const reused = Buffer.alloc(1000);
    const want: Buffer[] = [];
    const lend = (i: number) => {
      reused.fill(i);
      want.push(Buffer.from(reused));
      spool.push({ kind: "data", data: reused }, "lent");
      reused.fill(0xee); // the next read
    };
    lend(1);
    expect(consumer).toBe(reused); // delivered during push: no copy
    spool.pause();
    for (let i = 2; i < 12; i++) lend(i); // memory up to the limit, then the file
    expect(spool.stats().spilledBytes).toBeGreaterThan(0);
    spool.resume();
    await until(() => got.length === want.length, "every record");
    expect(got.map((b) => b[0])).toEqual(want.map((b) => b[0]));
    got.forEach((b, i) => expect(b.equals(want[i])).toBe(true));
    spool.close();
  });

  it("copies kept records even when delivered at once, and writes spilled ones (larger than a block too) from the lent bytes", async () => {
    const got: Buffer[] = [];
    const spool = new Spool<Ev>({ dir: tempDir(), memoryLimit: 3000, blockSize: 4096 }, (r) => {
      if (r.kind === "data") got.push(r.data); // kept as given: "lent-kept" must hand over a copy
    });
    const reused = Buffer.alloc(10_000);
    const want: Buffer[] = [];
    const lend = (i: number, size: number) => {
      const piece = reused.subarray(0, size).fill(i);
      want.push(Buffer.from(piece));
      spool.push({ kind: "data", data: piece }, "lent-kept");
      reused.fill(0xee);
    };
    lend(1, 100);
    expect(got[0]).not.toBe(reused);
    spool.pause();
    // to memory, then the file: records cut by the block end, one larger than two blocks
    for (let i = 2; i < 30; i++) lend(i, i === 17 ? 9_000 : 700 + i * 13);
    spool.push({ kind: "event", event: { n: 99 } });
    lend(40, 3);
    expect(spool.stats().spilledBytes).toBeGreaterThan(9_000);
    spool.resume();
    await until(() => got.length === want.length, "every record");
    got.forEach((b, i) => expect(b.equals(want[i]), `record ${i}`).toBe(true));
    spool.close();
  });

  it("reads lent records back into one reused block, and kept ones among them stay intact while they are kept", async () => {
    const lentBlocks = new Set<ArrayBufferLike>();
    const copies: Buffer[] = [];
    const kept: Buffer[] = [];
    const spool = new Spool<Ev>({ dir: tempDir(), memoryLimit: 2048, blockSize: 4096 }, (r) => {
      if (r.kind !== "data") return;
      if (r.data[0] < 100) {
        lentBlocks.add(r.data.buffer);
        copies.push(Buffer.from(r.data)); // a borrower copies during the call
      } else kept.push(r.data); // a keeper holds what it is given
    });
    const socket = Buffer.alloc(5_000);
    const want: Buffer[] = [];
    const push = (first: number, size: number, ownership: "lent" | "lent-kept") => {
      const piece = socket.subarray(0, size).fill(first);
      piece[size - 1] = size & 0xff;
      want.push(Buffer.from(piece));
      spool.push({ kind: "data", data: piece }, ownership);
      socket.fill(0xee);
    };
    spool.pause();
    // an RDB's worth of lent records (~100 blocks through the file), then the stream's kept ones:
    // the first kept records share a block read with the last lent ones
    for (let i = 0; i < 400; i++) push(i % 100, 500 + ((i * 37) % 1500), "lent");
    for (let i = 0; i < 60; i++) push(100 + (i % 100), 300 + ((i * 53) % 2000), "lent-kept");
    // and a new full sync's RDB after them (a resynchronization)
    for (let i = 0; i < 100; i++) push(i % 100, 700 + ((i * 41) % 1500), "lent");
    expect(spool.stats().spilledBytes).toBeGreaterThan(400_000);
    spool.resume();
    await until(() => copies.length + kept.length === want.length, "every record");
    // one reused block, the records that went through memory and the one block read fresh at the
    // turn from kept records back to lent ones; not one fresh block per read
    expect(lentBlocks.size).toBeLessThanOrEqual(4);
    const got = [...copies.slice(0, 400), ...kept, ...copies.slice(400)];
    got.forEach((b, i) => expect(b.equals(want[i]), `record ${i}`).toBe(true));
    spool.close();
  });
});
