import { describe, expect, it } from "vitest";
import { BY_REFERENCE_BYTES, CommandBatch, LazyArg, digits, encodeCommand, encodeParts, encodedLength, writeHeader, type Arg } from "./encoder";
import { RespDecoder } from "./decoder";
import type { RespValue } from "./values";

function decodeAll(buf: Buffer): RespValue[] {
  const out: RespValue[] = [];
  const d = new RespDecoder((v) => out.push(v));
  d.write(buf);
  return out;
}

describe("digits and writeHeader", () => {
  // every magnitude a length or an absolute TTL in ms can have, at both edges of each
  const values: number[] = [0, 1, 7];
  for (let k = 1; k <= 15; k++) values.push(10 ** k - 1, 10 ** k, 10 ** k + 1, 3 * 10 ** k + 7);
  values.push(1_799_999_999_999, Date.now(), Number.MAX_SAFE_INTEGER);

  it("counts the decimal digits of every magnitude as String() does", () => {
    for (const n of values) expect(digits(n), String(n)).toBe(String(n).length);
  });

  it("writes each as a RESP header", () => {
    const out = Buffer.alloc(32);
    for (const n of values) {
      const end = writeHeader(out, 0, 36, n);
      expect(out.toString("latin1", 0, end), String(n)).toBe(`$${n}\r\n`);
    }
  });
});

describe("encodeCommand", () => {
  it("encodes argv exactly as RESP arrays of bulk strings", () => {
    expect(encodeCommand(["SET", "k", "v"]).toString()).toBe("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
    expect(encodeCommand([]).toString()).toBe("*0\r\n");
    expect(encodeCommand(["PING"]).toString()).toBe("*1\r\n$4\r\nPING\r\n");
  });

  it("handles UTF-8 strings, binary buffers and every header width", () => {
    const argv: (Buffer | string)[] = ["héllo ✓", Buffer.from([0, 255, 13, 10])];
    for (const n of [0, 1, 9, 10, 11, 99, 100, 999, 1000, 9999, 10000, 99999, 100000, 1000000]) argv.push(Buffer.alloc(n, 97));
    const encoded = encodeCommand(argv);
    expect(encoded.length).toBe(encodedLength(argv));
    const [decoded] = decodeAll(encoded) as Buffer[][];
    expect(decoded.length).toBe(argv.length);
    decoded.forEach((b, i) => expect(b.equals(Buffer.isBuffer(argv[i]) ? argv[i] : Buffer.from(argv[i]))).toBe(true));
  });

  it("encodes argv with more than 9 elements (multi-digit array header)", () => {
    const argv = Array.from({ length: 1234 }, (_, i) => `m${i}`);
    const [decoded] = decodeAll(encodeCommand(argv)) as Buffer[][];
    expect(decoded.map(String)).toEqual(argv);
  });
});

describe("LazyArg", () => {
  it("writes its own bytes in place, with the right length header", () => {
    class Repeat extends LazyArg {
      readonly byteLength = 5;
      writeTo(target: Buffer, at: number): void {
        target.write("zzzzz", at, "latin1");
      }
    }
    const argv: Arg[] = ["SET", "k", new Repeat()];
    expect(encodeCommand(argv).toString()).toBe("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nzzzzz\r\n");
    expect(encodedLength(argv)).toBe(encodeCommand(argv).length);
  });
});

describe("CommandBatch", () => {
  it("appends commands, grows past its initial size and hands bytes over", () => {
    const batch = new CommandBatch(16);
    let total = 0;
    for (let i = 0; i < 500; i++) total += batch.push(["RPUSH", `list:${i}`, Buffer.alloc(i, 120)]);
    batch.pushEncoded(encodeCommand(["PING"]));
    expect(batch.count).toBe(501);
    const bytes = batch.take();
    expect(bytes.length).toBe(total + 14);
    expect(batch.count).toBe(0);
    expect(batch.byteLength).toBe(0);
    const decoded = decodeAll(bytes) as Buffer[][];
    expect(decoded.length).toBe(501);
    expect(decoded[499][1].toString()).toBe("list:499");
    expect(decoded[499][2].length).toBe(499);
    expect(decoded[500][0].toString()).toBe("PING");
  });
});

describe("encodeParts", () => {
  it("passes big values through by reference: the parts are the command's encoding, the value itself one of them", () => {
    const big = Buffer.alloc(3 * BY_REFERENCE_BYTES, 0x61).subarray(5); // a view, as the loader hands out
    const argv: Arg[] = ["SETRANGE", Buffer.from("key"), "1048576", big];
    const parts = encodeParts(argv);
    expect(parts).toContain(big); // the same object: not copied
    expect(parts.filter((p) => p.buffer === big.buffer)).toEqual([big]); // and nothing else points into it
    expect(Buffer.concat(parts).equals(encodeCommand(argv))).toBe(true);
    expect(parts.reduce((n, p) => n + p.length, 0)).toBe(encodedLength(argv));
    // everything but the value is small
    expect(Math.max(...parts.filter((p) => p !== big).map((p) => p.length))).toBeLessThan(64);
  });

  it("handles several big values, one in the middle, and commands with none", () => {
    const a = Buffer.alloc(BY_REFERENCE_BYTES, 1);
    const b = Buffer.alloc(BY_REFERENCE_BYTES + 1, 2);
    const argv: Arg[] = ["MSET", "k1", a, "k2", b, "k3", "small"];
    const parts = encodeParts(argv);
    expect(parts.filter((p) => p === a || p === b)).toEqual([a, b]);
    expect(Buffer.concat(parts).equals(encodeCommand(argv))).toBe(true);
    const [decoded] = decodeAll(Buffer.concat(parts)) as Buffer[][];
    expect(decoded[2].equals(a) && decoded[4].equals(b)).toBe(true);
    // below the threshold: one buffer, as encodeCommand makes it
    const small: Arg[] = ["SET", "k", Buffer.alloc(BY_REFERENCE_BYTES - 1, 3)];
    expect(encodeParts(small)).toHaveLength(1);
    expect(encodeParts(small)[0].equals(encodeCommand(small))).toBe(true);
  });
});
