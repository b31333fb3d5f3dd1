import { describe, expect, it } from "vitest";
import { DtsError } from "../../errors";
import { corpusFiles, parseChunks, splitEvery } from "./corpus.test-helper";
import { decodeValue } from "./decode-value";
import { RdbParser } from "./parser";
import type { RdbEvent } from "./types";

/**
 * Damaged input must end in a DtsError naming a byte offset (or, for damage the format cannot
 * detect without its checksum, in valid output) — never another exception, a hang, or an
 * allocation the input cannot back.
 */

function outcome(data: Buffer, opts: { verifyChecksum?: boolean } = {}, chunk = data.length || 1): "ok" | DtsError {
  const events: RdbEvent[] = [];
  try {
    const p = new RdbParser((e) => events.push(e), opts);
    for (const c of splitEvery(data, chunk)) p.write(c);
    p.end();
    for (const e of events) if (e.kind === "key") decodeValue(e);
    return "ok";
  } catch (err) {
    if (err instanceof DtsError) return err;
    throw new Error(`not a DtsError: ${(err as Error)?.stack ?? err}`);
  }
}

function seeded(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

describe("truncated RDB files", () => {
  const files = corpusFiles();
  for (const f of files) {
    it(`${f.name}: every truncation ends in RDB_CORRUPT naming an offset`, () => {
      const full = parseChunks([f.data]).consumed;
      // every offset of files up to 8 KB; about 250 offsets spread over bigger ones
      const step = full > 8000 ? Math.ceil(full / 250) : 1;
      for (let i = 0; i < full; i += step) {
        const r = outcome(f.data.subarray(0, i), {}, 1 + (i % 17) * 50);
        if (r === "ok") throw new Error(`truncated at ${i} of ${full} bytes but accepted`);
        expect(r.code, `cut at ${i}`).toBe("RDB_CORRUPT");
        expect(r.message).toMatch(/at byte offset \d+/);
      }
    });
  }
});

describe("RDB files with random damage", () => {
  const files = corpusFiles().filter((f) => f.data.length < 60_000);
  for (const f of files) {
    it(`${f.name}: 150 random byte changes end cleanly`, () => {
      const rand = seeded(f.data.length * 31 + f.name.length);
      let caught = 0;
      for (let n = 0; n < 150; n++) {
        const data = Buffer.from(f.data);
        const flips = 1 + Math.floor(rand() * 3);
        for (let k = 0; k < flips; k++) data[9 + Math.floor(rand() * (data.length - 9))] = Math.floor(rand() * 256);
        // without the checksum the damage reaches the structure checks themselves
        for (const verifyChecksum of [true, false]) {
          const r = outcome(data, { verifyChecksum }, 1 + Math.floor(rand() * 200));
          if (r !== "ok") {
            caught++;
            expect(["RDB_CORRUPT", "RDB_UNSUPPORTED"]).toContain(r.code);
            expect(r.message).toMatch(/byte offset \d+/);
          }
        }
      }
      expect(caught).toBeGreaterThan(0);
    });
  }

  it("a declared length far beyond the input is not allocated up front", () => {
    // header, SELECTDB 0, a string key "k" whose value claims 2^40 bytes, LZF claiming 4 GB
    const huge = Buffer.concat([Buffer.from("REDIS0009\xfe\x00\x00\x01k\x81", "latin1"), Buffer.from([0, 0, 1, 0, 0, 0, 0, 0]), Buffer.from("abc")]);
    const r1 = outcome(huge);
    expect(r1 !== "ok" && r1.code).toBe("RDB_CORRUPT");
    const lzf = Buffer.concat([Buffer.from("REDIS0009\xfe\x00\x00\x01k\xc3\x04\x80", "latin1"), Buffer.from([0xff, 0xff, 0xff, 0xf0]), Buffer.from([2, 0x61, 0x62, 0x63, 0xff]), Buffer.alloc(8)]);
    const r2 = outcome(lzf);
    expect(r2 !== "ok" && r2.message).toMatch(/LZF/);
  });

  it("a wrong checksum is reported with its offset", () => {
    const f = corpusFiles().find((x) => x.name === "listpack.rdb")!;
    const data = Buffer.from(f.data);
    data[data.length - 1] ^= 0x55;
    const r = outcome(data);
    expect(r !== "ok" && r.message).toMatch(new RegExp(`checksum mismatch.*at byte offset ${data.length - 8}`));
    expect(outcome(data, { verifyChecksum: false })).toBe("ok");
  });

  it("unknown opcodes, value types and versions are named", () => {
    const bad = (s: string) => {
      const r = outcome(Buffer.from(s, "latin1"));
      return r === "ok" ? "ok" : `${r.code}: ${r.message}`;
    };
    expect(bad("REDIS0009\x08\x01k\x00")).toMatch(/RDB_CORRUPT: .*unknown opcode or value type 8 at byte offset 9/);
    expect(bad("REDIS0013\xff")).toMatch(/RDB_UNSUPPORTED/);
    expect(bad("RADIS0009\xff")).toMatch(/not an RDB file/);
    expect(bad("REDIS0009\x06\x01k\x00")).toMatch(/RDB_UNSUPPORTED: module value in the pre-release/);
  });
});

describe("LZF with a forged length", () => {
  it("decodes what the data really gives, and names a mismatch with the declared length", async () => {
    const { lzfDecompress } = await import("./lzf");
    // 3 literal bytes, then back-references of 264 bytes: 3 + 40 * 264 = 10563 real bytes
    const refs = Array.from({ length: 40 }, () => [0xe0, 0xff, 0x00]).flat();
    const src = Buffer.from([0x02, 0x61, 0x62, 0x63, ...refs]);
    const real = 3 + 40 * 264;
    expect(lzfDecompress(src, 0, src.length, real, 0).toString("latin1")).toBe("abc" + "c".repeat(40 * 264));
    // declared more than the data gives (but under the 88x ceiling): an error, not a padded value
    expect(() => lzfDecompress(src, 0, src.length, real + 300, 100)).toThrow(/decompressed to 10563 bytes instead of 10863/);
    expect(() => lzfDecompress(src, 0, src.length, src.length * 100, 100)).toThrow(/declares/);
  });
});
