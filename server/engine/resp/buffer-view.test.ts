import { describe, expect, it } from "vitest";
import { viewOf } from "./buffer-view";

describe("viewOf", () => {
  it("is a Buffer over the same memory, usable wherever a subarray is", () => {
    const buf = Buffer.from("xxSET key valuexx");
    const inner = buf.subarray(2, 15);
    const v = viewOf(inner, 4, 7);
    expect(Buffer.isBuffer(v)).toBe(true);
    expect(v).toBeInstanceOf(Buffer);
    expect(v.toString("latin1")).toBe("key");
    expect(v.equals(Buffer.from("key"))).toBe(true);
    expect(Buffer.compare(v, inner.subarray(4, 7))).toBe(0);
    expect(Buffer.concat([v, viewOf(inner, 7, 13)]).toString()).toBe("key value");
    expect(v.subarray(1).toString()).toBe("ey");
    expect(Buffer.isBuffer(v.subarray(1))).toBe(true);
    expect(v.readUInt8(0)).toBe(0x6b);
    buf[6] = 0x4b; // shares memory: a change to the chunk shows through
    expect(v.toString()).toBe("Key");
    expect(viewOf(inner, 3, 3).length).toBe(0);
  });
});
