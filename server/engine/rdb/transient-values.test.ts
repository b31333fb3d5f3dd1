import { describe, expect, it } from "vitest";
import { RestoreCommand } from "../loader/restore-command";
import { RestorePayload } from "../loader/restore-payload";
import { encodeCommand } from "../resp/encoder";
import { corpusFiles, keyEvents, parseAll, splitEvery } from "./corpus.test-helper";
import { crc64, useCrcBackend, type CrcBackend } from "./crc64";
import { RdbParser } from "./parser";
import type { RdbKeyEvent, RdbParserOptions } from "./types";

interface Seen {
  raw: Buffer;
  crc: bigint | null;
  command: Buffer;
  key: Buffer;
}

const restoreOf = (key: Buffer, raw: Buffer) => encodeCommand(["RESTORE", key, "0", new RestorePayload(raw, 10)]);

/** Parses with `opts`; inside the callback records each key's raw bytes, precomputed CRC and RESTORE payload. */
function transientParse(chunks: Buffer[], opts: RdbParserOptions): { seen: Seen[]; events: RdbKeyEvent[] } {
  const seen: Seen[] = [];
  const events: RdbKeyEvent[] = [];
  const p = new RdbParser((e) => {
    if (e.kind !== "key") return;
    events.push(e);
    // the RESTORE the loader writes from the value where it lies
    const cmd = new RestoreCommand().set(e, 0, 10, false, false, undefined, undefined);
    const out = Buffer.alloc(cmd.byteLength);
    cmd.writeTo(out, 0);
    seen.push({ raw: e.raw, crc: e.crcLo! >= 0 ? (BigInt(e.crcHi!) << 32n) | BigInt(e.crcLo!) : null, command: out, key: Buffer.from(e.key) });
  }, opts);
  for (const c of chunks) p.write(c);
  p.end();
  return { seen, events };
}

describe("RdbParser with transientValues", () => {
  const files = corpusFiles();

  it("gives every value where it lies, with the CRC of its payload, into the RESTORE the loader writes, whatever the chunking and with or without encoded-value checks", () => {
    let withCrc = 0;
    // the WebAssembly path precomputes payload CRCs in its window; the native one computes each in the RESTORE
    for (const path of ["wasm", "native"] as CrcBackend[]) {
      expect(useCrcBackend(path), `${path} is available here`).toBe(true);
      for (const f of files) {
        const expected = keyEvents(parseAll(f.data));
        for (const size of [1, 7, 333, 4096, f.data.length]) {
          for (const validateEncoded of [true, false]) {
            const { seen } = transientParse(splitEvery(f.data, size), { transientValues: true, validateEncoded });
            expect(seen.length, `${f.name} in chunks of ${size}`).toBe(expected.length);
            seen.forEach((s, i) => {
              const raw = expected[i].raw;
              expect(s.raw.equals(raw), `${f.name} key ${i} in chunks of ${size}`).toBe(true);
              if (s.crc !== null) {
                expect(s.crc, `${f.name} key ${i} CRC in chunks of ${size}`).toBe(crc64(raw));
                withCrc++;
              }
              expect(s.command.equals(restoreOf(s.key, raw)), `${f.name} key ${i} RESTORE (${path})`).toBe(true);
            });
          }
        }
      }
      // on the WebAssembly path the precomputed CRC is the normal case, not an exception
      if (path === "wasm") expect(withCrc).toBeGreaterThan(100);
    }
    useCrcBackend(null);
  });

  it("computes the payload CRC itself when the WebAssembly window is not available", () => {
    useCrcBackend("js");
    try {
      const f = files.find((x) => x.name === "listpack.rdb") ?? files[0];
      const { seen } = transientParse([f.data], { transientValues: true });
      expect(seen.length).toBeGreaterThan(0);
      for (const s of seen) {
        expect(s.crc).toBeNull();
        expect(s.command.equals(restoreOf(s.key, s.raw))).toBe(true);
      }
    } finally {
      useCrcBackend(null);
    }
  });

  it("hands out one event object for every key, and one key buffer per key length: what is read during the callback stays, no value can be read after it", () => {
    // a file with two keys of one length (key lengths repeat in any real keyspace)
    const sameLength = (events: RdbKeyEvent[]) => events.some((e, i) => events.findIndex((o) => o.key.length === e.key.length) !== i);
    const f = files.find((x) => sameLength(keyEvents(parseAll(x.data))))!;
    const events: RdbKeyEvent[] = [];
    const keys: Buffer[] = [];
    const held: Buffer[] = [];
    let first: Buffer | null = null;
    const p = new RdbParser((e) => {
      if (e.kind !== "key") return;
      if (events.length === 0) first = e.raw;
      events.push(e);
      keys.push(Buffer.from(e.key));
      held.push(e.key);
    }, { transientValues: true });
    p.write(f.data);
    p.end();
    const expected = keyEvents(parseAll(f.data));
    // the object is reused (no allocation per key): what a consumer keeps, it copies in the callback
    expect(events[1]).toBe(events[0]);
    expect(first!.equals(expected[0].raw)).toBe(true);
    expect(keys.map((k) => k.toString("latin1"))).toEqual(expected.map((e) => e.key.toString("latin1")));
    // so is the key: two keys of one length were handed out in one buffer
    const i = expected.findIndex((e, n) => expected.findIndex((o) => o.key.length === e.key.length) !== n);
    const j = expected.findIndex((e) => e.key.length === expected[i].key.length);
    expect(held[i]).toBe(held[j]);
    expect(events[0].valueBuf).toBeNull();
    expect(() => events[0].raw).toThrow(/after its callback/);
  });
});
