import { describe, expect, it } from "vitest";
import { RespDecoder, type RespDecoderOptions } from "./decoder";
import { ProtocolError, ReplyError, RespPush, type RespValue } from "./values";

interface Seen {
  value: RespValue;
  start: number;
  end: number;
}

function decodeChunks(chunks: Buffer[], options?: RespDecoderOptions): Seen[] {
  const seen: Seen[] = [];
  const d = new RespDecoder((value, start, end) => seen.push({ value, start, end }), options);
  for (const c of chunks) expect(d.write(c)).toBe(c.length);
  expect(d.idle).toBe(true);
  expect(d.offset).toBe(chunks.reduce((n, c) => n + c.length, 0));
  return seen;
}

/** comparable form: Buffers as strings tagged, errors tagged */
function plain(v: RespValue): unknown {
  if (Buffer.isBuffer(v)) return { buf: v.toString("latin1") };
  if (v instanceof ReplyError) return { err: v.message };
  if (v instanceof RespPush) return { push: v.items.map(plain) };
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === "bigint") return { big: v.toString() };
  return v;
}

const big = Buffer.alloc(3_000, "x");
const SAMPLES: [string | Buffer, unknown][] = [
  ["+OK\r\n", "OK"],
  ["+hello world\r\n", "hello world"],
  ["-ERR unknown command\r\n", { err: "ERR unknown command" }],
  [":0\r\n", 0],
  [":-42\r\n", -42],
  [":9223372036854775807\r\n", { big: "9223372036854775807" }],
  [":1234567890123456\r\n", 1234567890123456],
  ["$5\r\nhel\r\n\r\n", { buf: "hel\r\n" }],
  ["$0\r\n\r\n", { buf: "" }],
  ["$-1\r\n", null],
  ["*-1\r\n", null],
  ["*0\r\n", []],
  ["*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n", [{ buf: "SET" }, { buf: "k" }, { buf: "v" }]],
  ["*2\r\n*1\r\n:1\r\n*2\r\n$-1\r\n-MOVED 1 a:1\r\n", [[1], [null, { err: "MOVED 1 a:1" }]]],
  ["%2\r\n+a\r\n:1\r\n+b\r\n#t\r\n", ["a", 1, "b", true]],
  ["~2\r\n,3.5\r\n,-inf\r\n", [3.5, -Infinity]],
  ["_\r\n", null],
  ["#f\r\n", false],
  ["(12345678901234567890123\r\n", { big: "12345678901234567890123" }],
  ["=8\r\ntxt:abcd\r\n", { buf: "abcd" }],
  ["!9\r\nERR oops!\r\n", { err: "ERR oops!" }],
  [">2\r\n$7\r\nmessage\r\n:3\r\n", { push: [{ buf: "message" }, 3] }],
  ["|1\r\n+ttl\r\n:3\r\n:7\r\n", 7],
  ["*2\r\n|1\r\n+a\r\n+b\r\n:1\r\n:2\r\n", [1, 2]],
  [Buffer.concat([Buffer.from(`$${big.length}\r\n`), big, Buffer.from("\r\n")]), { buf: big.toString("latin1") }],
  [Buffer.from([0x24, 0x33, 13, 10, 0xff, 0x00, 0x80, 13, 10]), { buf: "\xff\x00\x80" }],
];

const stream = Buffer.concat(SAMPLES.map(([raw]) => (Buffer.isBuffer(raw) ? raw : Buffer.from(raw, "latin1"))));
const boundaries: number[] = [];
{
  let at = 0;
  for (const [raw] of SAMPLES) {
    const len = Buffer.isBuffer(raw) ? raw.length : Buffer.byteLength(raw, "latin1");
    boundaries.push(at);
    at += len;
  }
  boundaries.push(at);
}

function checkAll(seen: Seen[]): void {
  expect(seen.map((s) => plain(s.value))).toEqual(SAMPLES.map(([, v]) => v));
  expect(seen.map((s) => s.start)).toEqual(boundaries.slice(0, -1));
  expect(seen.map((s) => s.end)).toEqual(boundaries.slice(1));
}

describe("RespDecoder", () => {
  it("decodes a stream fed whole, with exact byte ranges", () => {
    checkAll(decodeChunks([stream]));
  });

  it("decodes the stream fed byte by byte", () => {
    const bytes: Buffer[] = [];
    for (let i = 0; i < stream.length; i++) bytes.push(stream.subarray(i, i + 1));
    checkAll(decodeChunks(bytes));
  });

  it("decodes the stream split at every boundary", () => {
    for (let i = 1; i < stream.length; i++) checkAll(decodeChunks([stream.subarray(0, i), stream.subarray(i)]));
  });

  it("decodes random splits into many chunks", () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let round = 0; round < 200; round++) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < stream.length; ) {
        const n = 1 + Math.floor(rnd() * 40);
        chunks.push(stream.subarray(at, at + n));
        at += n;
      }
      checkAll(decodeChunks(chunks));
    }
  });

  it("returns bulk strings inside one chunk as zero-copy slices and joins split ones once", () => {
    const chunk = Buffer.from("$3\r\nabc\r\n");
    const [one] = decodeChunks([chunk]);
    expect((one.value as Buffer).buffer).toBe(chunk.buffer);
    const payload = Buffer.alloc(1 << 20, 7);
    const raw = Buffer.concat([Buffer.from(`$${payload.length}\r\n`), payload, Buffer.from("\r\n")]);
    const pieces: Buffer[] = [];
    for (let i = 0; i < raw.length; i += 1000) pieces.push(raw.subarray(i, i + 1000));
    const [joined] = decodeChunks(pieces);
    expect((joined.value as Buffer).equals(payload)).toBe(true);
  });

  it("rejects absurd nesting with a protocol error instead of a stack overflow", () => {
    const deep = Buffer.from("*1\r\n".repeat(200_000));
    const d = new RespDecoder(() => {});
    expect(() => d.write(deep)).toThrow(ProtocolError);
    // within the limit, deep nesting decodes
    const seen = decodeChunks([Buffer.from("*1\r\n".repeat(60) + ":5\r\n")]);
    let v: RespValue = seen[0].value;
    for (let i = 0; i < 60; i++) v = (v as RespValue[])[0];
    expect(v).toBe(5);
  });

  it("enforces length limits before allocating anything", () => {
    const cases: [string, RespDecoderOptions][] = [
      ["$1000000000000\r\n", {}],
      ["$2000\r\n", { maxBulkLength: 1000 }],
      ["*99999999999\r\n", {}],
      ["*5000\r\n", { maxArrayLength: 100 }],
      ["%60\r\n", { maxArrayLength: 100 }],
      ["$-2\r\n", {}],
      ["*-5\r\n", {}],
      ["+" + "a".repeat(2000), { maxLineLength: 1000 }],
    ];
    for (const [raw, opts] of cases) {
      const d = new RespDecoder(() => {}, opts);
      expect(() => d.write(Buffer.from(raw)), raw.slice(0, 20)).toThrow(ProtocolError);
    }
  });

  it("treats malformed input as fatal and names the byte offset", () => {
    const cases = ["hello\r\n", "$3\r\nabcd\r\n", ":12a\r\n", "*1\r\n$1\r\nx\n\n", "+ok\rx", ":\r\n", "#x\r\n", ",abc\r\n", "$-1\r\n!-1\r\n"];
    for (const raw of cases) {
      const d = new RespDecoder(() => {});
      let caught: unknown;
      try {
        d.write(Buffer.from(raw));
      } catch (e) {
        caught = e;
      }
      expect(caught, raw).toBeInstanceOf(ProtocolError);
      expect((caught as ProtocolError).message).toMatch(/at byte \d+/);
      expect(() => d.write(Buffer.from("+OK\r\n"))).toThrow(ProtocolError);
    }
    let err: ProtocolError | undefined;
    try {
      new RespDecoder(() => {}).write(Buffer.from("+OK\r\n+OK\r\n?"));
    } catch (e) {
      err = e as ProtocolError;
    }
    expect(err?.offset).toBe(10);
  });

  it("never throws anything but ProtocolError on random bytes", () => {
    let seed = 99;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const alphabet = Buffer.from("*$:+-%~_#,(!=>|\r\n0123456789-abc");
    for (let round = 0; round < 3000; round++) {
      const bytes = Buffer.alloc(1 + Math.floor(rnd() * 60));
      for (let i = 0; i < bytes.length; i++) bytes[i] = rnd() < 0.9 ? alphabet[Math.floor(rnd() * alphabet.length)] : Math.floor(rnd() * 256);
      const d = new RespDecoder(() => {}, { maxBulkLength: 1 << 16 });
      try {
        d.write(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(ProtocolError);
      }
    }
  });

  it("pauses after a value so the caller can take over the rest of the chunk", () => {
    const seen: RespValue[] = [];
    const d = new RespDecoder((v) => {
      seen.push(v);
      if (v === "FULLRESYNC x 0") d.pause();
    });
    const chunk = Buffer.from("+FULLRESYNC x 0\r\n$EOF:raw-bytes-not-resp");
    expect(d.write(chunk)).toBe(17);
    expect(d.offset).toBe(17);
    expect(seen).toEqual(["FULLRESYNC x 0"]);
  });

  it("skips keep-alive newlines between values when asked, counting them in the offset", () => {
    const seen: Seen[] = [];
    const d = new RespDecoder((value, start, end) => seen.push({ value, start, end }), { skipBlankLines: true });
    d.write(Buffer.from("\n\n"));
    d.write(Buffer.from("\r\n+CONTINUE\r\n"));
    expect(seen).toEqual([{ value: "CONTINUE", start: 4, end: 15 }]);
    expect(d.offset).toBe(15);
    expect(() => new RespDecoder(() => {}).write(Buffer.from("\n"))).toThrow(ProtocolError);
  });

  it("keeps offsets exact across a long replication-like stream", () => {
    const cmds: Buffer[] = [];
    for (let i = 0; i < 2000; i++) cmds.push(Buffer.from(`*3\r\n$3\r\nSET\r\n$${String(i).length + 4}\r\nkey:${i}\r\n$${i % 300}\r\n${"v".repeat(i % 300)}\r\n`));
    const all = Buffer.concat(cmds);
    const seen = decodeChunks([all.subarray(0, 12345), all.subarray(12345, 40000), all.subarray(40000)]);
    let at = 0;
    seen.forEach((s, i) => {
      expect(s.start).toBe(at);
      at += cmds[i].length;
      expect(s.end).toBe(at);
      expect((s.value as Buffer[])[1].toString()).toBe(`key:${i}`);
    });
  });
});
