import { describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { TransferFramer } from "./transfer-framer";

interface Seen {
  rdb: Buffer;
  rdbEnd: number | null;
  stream: Buffer;
  /** the stream started only after rdbEnd */
  ordered: boolean;
}

function frame(chunks: Buffer[], preamble: { transfer: "length" | "eof"; rdbLength: number | null; eofMark: Buffer | null }): Seen {
  const rdb: Buffer[] = [];
  const stream: Buffer[] = [];
  let rdbEnd: number | null = null;
  let ordered = true;
  const f = new TransferFramer({
    rdbData: (c) => {
      if (rdbEnd !== null) ordered = false;
      rdb.push(Buffer.from(c));
    },
    rdbEnd: (n) => (rdbEnd = n),
    streamData: (c) => {
      if (rdbEnd === null) ordered = false;
      stream.push(Buffer.from(c));
    },
  });
  f.startRdb(preamble, 1000);
  for (const c of chunks) f.write(c);
  f.flushEmpty();
  const seen = { rdb: Buffer.concat(rdb), rdbEnd, stream: Buffer.concat(stream), ordered };
  if (rdbEnd !== null) expect(f.receivedOffset).toBe(1000 + seen.stream.length);
  return seen;
}

/** the whole input, then byte by byte, then split in two at every position, then in three */
function splits(input: Buffer): Buffer[][] {
  const out: Buffer[][] = [[input], [...input].map((b) => Buffer.from([b]))];
  for (let i = 0; i <= input.length; i++) out.push([input.subarray(0, i), input.subarray(i)]);
  for (let i = 0; i <= input.length; i += 7) for (let j = i; j <= input.length; j += 5) out.push([input.subarray(0, i), input.subarray(i, j), input.subarray(j)]);
  return out;
}

describe("transfer framer", () => {
  const rdb = Buffer.concat([Buffer.from("REDIS0010"), randomBytes(150)]);
  const stream = Buffer.from("*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n");

  it("$<len>: exactly len bytes are the RDB, the stream follows in the same chunks", () => {
    for (const chunks of splits(Buffer.concat([rdb, stream]))) {
      const seen = frame(chunks, { transfer: "length", rdbLength: rdb.length, eofMark: null });
      expect(seen.rdb.equals(rdb)).toBe(true);
      expect(seen.rdbEnd).toBe(rdb.length);
      expect(seen.stream.equals(stream)).toBe(true);
      expect(seen.ordered).toBe(true);
    }
  });

  it("$EOF:<mark>: the RDB ends before the mark wherever the chunks split it, bytes after it are the stream", () => {
    const mark = Buffer.from(randomBytes(20).toString("hex"));
    for (const tail of [Buffer.alloc(0), stream]) {
      for (const chunks of splits(Buffer.concat([rdb, mark, tail]))) {
        const seen = frame(chunks, { transfer: "eof", rdbLength: null, eofMark: mark });
        expect(seen.rdb.equals(rdb)).toBe(true);
        expect(seen.rdbEnd).toBe(rdb.length);
        expect(seen.stream.equals(tail)).toBe(true);
        expect(seen.ordered).toBe(true);
      }
    }
  });

  it("$EOF: an RDB shorter than the mark, and a partial mark that is not the end", () => {
    const mark = Buffer.from("0123456789abcdef0123456789abcdef01234567");
    const short = Buffer.from("REDIS");
    for (const chunks of splits(Buffer.concat([short, mark]))) {
      const seen = frame(chunks, { transfer: "eof", rdbLength: null, eofMark: mark });
      expect(seen.rdb.equals(short)).toBe(true);
    }
    // the first 39 bytes of the mark inside the RDB are data
    const tricky = Buffer.concat([Buffer.from("REDIS"), mark.subarray(0, 39), Buffer.from("x")]);
    for (const chunks of splits(Buffer.concat([tricky, mark]))) {
      const seen = frame(chunks, { transfer: "eof", rdbLength: null, eofMark: mark });
      expect(seen.rdb.equals(tricky)).toBe(true);
    }
  });

  it("an incomplete transfer never reports rdbEnd", () => {
    const mark = Buffer.from(randomBytes(20).toString("hex"));
    expect(frame([rdb, mark.subarray(0, 30)], { transfer: "eof", rdbLength: null, eofMark: mark }).rdbEnd).toBeNull();
    expect(frame([rdb.subarray(0, 100)], { transfer: "length", rdbLength: rdb.length, eofMark: null }).rdbEnd).toBeNull();
  });

  it("$0: an empty payload ends at once", () => {
    const seen = frame([], { transfer: "length", rdbLength: 0, eofMark: null });
    expect(seen.rdbEnd).toBe(0);
  });
});
