import { describe, expect, it } from "vitest";
import { corpusFiles, eventsText, keyEvents, parseChunks, splitEvery } from "./corpus.test-helper";
import { decodeValue } from "./decode-value";
import { RdbParser } from "./parser";
import type { RdbEvent } from "./types";

/** The RDB's own length: where the EOF marker (+ checksum) ends. */
function rdbLength(data: Buffer): number {
  return parseChunks([data]).consumed;
}

function decodedText(events: RdbEvent[]): string {
  return eventsText(keyEvents(events).map((e) => decodeValue(e)) as unknown as RdbEvent[]);
}

describe("RdbParser fed in pieces gives the same events as fed whole", () => {
  const files = corpusFiles();

  for (const f of files) {
    it(`${f.name}: whole, byte by byte, and in chunks of 2..4096`, () => {
      const whole = parseChunks([f.data]);
      const expected = eventsText(whole.events);
      expect(whole.events[0]).toMatchObject({ kind: "header" });
      expect(whole.events.at(-1)).toMatchObject({ kind: "end" });
      const bytes = parseChunks(splitEvery(f.data, 1));
      expect(eventsText(bytes.events)).toBe(expected);
      expect(bytes.consumed).toBe(whole.consumed);
      for (const size of [2, 3, 7, 64, 333, 4096]) {
        const r = parseChunks(splitEvery(f.data, size));
        expect(eventsText(r.events), `chunks of ${size}`).toBe(expected);
        expect(r.consumed).toBe(whole.consumed);
      }
      expect(decodedText(bytes.events)).toBe(decodedText(whole.events));
    });
  }

  it("keeps nothing of a chunk after write(): the same events when the caller reuses one buffer", () => {
    // transient values, as the sync runs it: what a consumer keeps it reads during the callback
    const keptText = (feed: (p: RdbParser) => void) => {
      const kept: unknown[] = [];
      const p = new RdbParser((e) => kept.push(e.kind === "key" ? [e.db, Buffer.from(e.key), e.rdbType, e.expireAt, e.idle, e.freq, e.raw, e.valueOffset] : e), { transientValues: true });
      feed(p);
      p.end();
      return eventsText(kept as RdbEvent[]);
    };
    for (const f of files) {
      for (const size of [7, 333, 4096]) {
        const expected = keptText((p) => splitEvery(f.data, size).forEach((c) => p.write(c)));
        const reused = Buffer.alloc(size);
        const got = keptText((p) => {
          for (let at = 0; at < f.data.length && !p.done; at += size) {
            const n = f.data.copy(reused, 0, at, at + size);
            p.write(reused.subarray(0, n));
            reused.fill(0xa5); // what the socket's next read leaves there
          }
        });
        expect(got, `${f.name} in a reused buffer of ${size}`).toBe(expected);
      }
    }
  });

  const small = files.filter((f) => f.data.length <= 6000);
  for (const f of small) {
    it(`${f.name}: split in two at every position`, () => {
      const expected = eventsText(parseChunks([f.data]).events);
      for (let i = 0; i <= f.data.length; i++) {
        const r = parseChunks([f.data.subarray(0, i), f.data.subarray(i)]);
        if (eventsText(r.events) !== expected) throw new Error(`events differ when split at ${i}`);
      }
    });
  }

  it("does not consume the bytes that follow the RDB (replication streams continue after it)", () => {
    for (const f of files) {
      const len = rdbLength(f.data);
      const tail = Buffer.from("*1\r\n$4\r\nPING\r\n");
      const data = Buffer.concat([f.data.subarray(0, len), tail]);
      for (const size of [1, 5, 100, data.length]) {
        const p = new RdbParser(() => {});
        let consumed = 0;
        const rest: Buffer[] = [];
        for (const c of splitEvery(data, size)) {
          const n = p.write(c);
          consumed += n;
          if (n < c.length) rest.push(c.subarray(n));
        }
        p.end();
        expect(p.done).toBe(true);
        expect(consumed, `${f.name} in chunks of ${size}`).toBe(len);
        expect(p.offset).toBe(len);
        expect(Buffer.concat(rest).equals(tail)).toBe(true);
      }
    }
  });

  it("reports an RDB that stops early when end() is called", () => {
    const f = files.find((x) => x.name === "listpack.rdb")!;
    const p = new RdbParser(() => {});
    p.write(f.data.subarray(0, f.data.length - 3));
    expect(p.done).toBe(false);
    expect(() => p.end()).toThrow(/RDB_CORRUPT|truncated/);
  });
});
