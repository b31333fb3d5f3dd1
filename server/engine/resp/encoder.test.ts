import { describe, expect, it } from "vitest";
import { CommandBatch, LazyArg, encodeCommand, encodedLength, type Arg } from "./encoder";
import { RespDecoder } from "./decoder";
import type { RespValue } from "./values";

function decodeAll(buf: Buffer): RespValue[] {
  const out: RespValue[] = [];
  const d = new RespDecoder((v) => out.push(v));
  d.write(buf);
  return out;
}

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
