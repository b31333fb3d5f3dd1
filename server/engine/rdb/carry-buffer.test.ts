import { describe, expect, it } from "vitest";
import { RdbParser } from "./parser";
import { len, rdbFile, str } from "./rdb-writer.test-helper";
import type { RdbEvent, RdbKeyEvent } from "./types";

const MB = 1024 * 1024;
const CHUNK = 64 * 1024;

/** Feeds `data` in CHUNK pieces; returns the keys and every capacity the carry-over buffer had. */
function feed(data: Buffer): { keys: RdbKeyEvent[]; capacities: number[]; checksum: string } {
  const events: RdbEvent[] = [];
  const p = new RdbParser((e) => events.push(e));
  const capacities: number[] = [];
  for (let i = 0; i < data.length; i += CHUNK) {
    p.write(data.subarray(i, i + CHUNK));
    const c = p.carryCapacity;
    if (c > 0 && c !== capacities.at(-1)) capacities.push(c);
  }
  p.end();
  const end = events.at(-1) as Extract<RdbEvent, { kind: "end" }>;
  return { keys: events.filter((e): e is RdbKeyEvent => e.kind === "key"), capacities, checksum: end.checksum };
}

describe("RdbParser carry-over buffer", () => {
  it("stops at the end of a big string instead of doubling past it", () => {
    const value = Buffer.alloc(20 * MB + 12345, 0x61);
    const data = rdbFile([Buffer.from([0x00]), str("big"), str(value)]);
    const r = feed(data);
    expect(r.checksum).toBe("ok");
    expect(r.keys).toHaveLength(1);
    expect(r.keys[0].raw.length).toBe(1 + len(value.length).length + value.length);
    expect(r.keys[0].raw.subarray(-value.length).equals(value)).toBe(true);
    // doubling from 64 KB would end at 32 MB, and the chunk that ends the value would double it again
    expect(Math.max(...r.capacities)).toBeLessThanOrEqual(value.length + 64);
    // the value is handed out in that buffer (no copy): the chunk that ends it went on separately
    expect(r.keys[0].raw.buffer.byteLength).toBeLessThanOrEqual(value.length + 64);
  });

  it("carries a big string in one buffer of its declared size, not by doubling up to it", () => {
    const value = Buffer.alloc(40 * MB + 3, 0x63);
    const data = rdbFile([Buffer.from([0x00]), str("big"), str(value), Buffer.from([0x00]), str("next"), str("v")]);
    const r = feed(data);
    expect(r.keys.map((k) => k.key.toString())).toEqual(["big", "next"]);
    expect(r.keys[0].raw.subarray(-value.length).equals(value)).toBe(true);
    // small buffers while 1/64 of it arrives, then one of its size: about the value in all, not twice it
    expect(r.capacities.filter((c) => c > MB)).toHaveLength(1);
    expect(r.capacities.reduce((a, b) => a + b, 0)).toBeLessThan(value.length * 1.1);
  });

  it("grows a big collection toward its estimated size, not by doubling", () => {
    const items: Buffer[] = [];
    for (let i = 0; i < 4000; i++) items.push(str(Buffer.alloc(5000, String(i).padStart(6, "0"))));
    const data = rdbFile([Buffer.from([0x01]), str("list"), len(items.length), ...items, Buffer.from([0x00]), str("next"), str("v")]);
    const r = feed(data);
    expect(r.keys.map((k) => k.key.toString())).toEqual(["list", "next"]);
    const size = data.length;
    // doubling from 64 KB to 32 MB (and the two biggest alive at once) for a 20 MB value: now about its size
    expect(r.capacities.filter((c) => c > 4 * MB)).toHaveLength(1);
    expect(Math.max(...r.capacities)).toBeLessThan(size * 1.1);
    expect(r.capacities.reduce((a, b) => a + b, 0)).toBeLessThan(size * 1.5);
  });

  it("still grows by doubling when a value is many small strings (copying stays linear)", () => {
    const members: Buffer[] = [];
    // members bigger than a chunk: each one is waited for across chunks, none is a big part of the value
    for (let i = 0; i < 100; i++) members.push(str(Buffer.alloc(200_000, String(i).padStart(8, "x"))));
    const data = rdbFile([Buffer.from([0x02]), str("set"), len(members.length), ...members]);
    const r = feed(data);
    expect(r.checksum).toBe("ok");
    expect(r.keys).toHaveLength(1);
    // ~20 MB from 64 KB: about nine doublings; a buffer sized to what each chunk needs would be reallocated per chunk (~300 times)
    expect(r.capacities.length).toBeLessThanOrEqual(12);
    expect(Math.max(...r.capacities)).toBeLessThan(2 * data.length + CHUNK);
  });

  it("hands a big transient value over in place when the consumer keeps it, and goes on parsing after it", () => {
    const value = Buffer.alloc(3 * MB + 7, 0x62);
    const data = rdbFile([Buffer.from([0x00]), str("big"), str(value), Buffer.from([0x00]), str("after"), str("small"), Buffer.from([0x00]), str("big2"), str(value)]);
    const kept: Buffer[] = [];
    const keys: string[] = [];
    let capacityAfterAdopt = -1;
    const p = new RdbParser(
      (e) => {
        if (e.kind !== "key") return;
        keys.push(e.key.toString());
        if (e.key.toString() === "big") {
          kept.push(e.raw);
          capacityAfterAdopt = p.carryCapacity;
        } else kept.push(e.raw);
      },
      { transientValues: true },
    );
    for (let i = 0; i < data.length; i += CHUNK) p.write(data.subarray(i, i + CHUNK));
    p.end();
    expect(keys).toEqual(["big", "after", "big2"]);
    expect(capacityAfterAdopt).toBe(0); // the buffer is the value's now: no second copy of it
    const header = Buffer.concat([Buffer.from([0x00]), len(value.length)]);
    expect(kept[0].equals(Buffer.concat([header, value]))).toBe(true);
    expect(kept[1].equals(Buffer.concat([Buffer.from([0x00]), str("small")]))).toBe(true);
    expect(kept[2].equals(Buffer.concat([header, value]))).toBe(true);
  });

  it("does not trust a declared length the input never backs", () => {
    // a string that claims 3 GB but the file ends after 2 MB: the parser asks for more, allocates only what arrived
    const data = Buffer.concat([Buffer.from("REDIS0009", "latin1"), Buffer.from([0x00]), str("k"), len(3 * 1024 * MB), Buffer.alloc(2 * MB, 1)]);
    const p = new RdbParser(() => {});
    let peak = 0;
    for (let i = 0; i < data.length; i += CHUNK) {
      p.write(data.subarray(i, i + CHUNK));
      peak = Math.max(peak, p.carryCapacity);
    }
    expect(() => p.end()).toThrow(/truncated/);
    expect(peak).toBeLessThanOrEqual(4 * MB + CHUNK);
  });
});
