import { describe, expect, it } from "vitest";
import { dumpEntry } from "./dump-entry";
import { notificationsCover, parseKeyspaceChannel } from "./keyspace-watch";

describe("parseKeyspaceChannel", () => {
  it("reads the database and a binary key, colons and all", () => {
    const key = Buffer.from([0x61, 0x3a, 0x00, 0xff, 0x5f, 0x5f, 0x3a]);
    const parsed = parseKeyspaceChannel(Buffer.concat([Buffer.from("__keyspace@12__:"), key]));
    expect(parsed?.db).toBe(12);
    expect(parsed?.key.equals(key)).toBe(true);
  });

  it("refuses other channels and a malformed database", () => {
    expect(parseKeyspaceChannel(Buffer.from("__keyevent@0__:set"))).toBeNull();
    expect(parseKeyspaceChannel(Buffer.from("__keyspace@x__:k"))).toBeNull();
    expect(parseKeyspaceChannel(Buffer.from("__keyspace@0"))).toBeNull();
  });
});

describe("notificationsCover", () => {
  it("needs K and every class (A, or its letters)", () => {
    expect(notificationsCover("AK")).toBe(true);
    expect(notificationsCover("K$lshzxeg t".replace(" ", ""))).toBe(true);
    expect(notificationsCover("EA")).toBe(false);
    expect(notificationsCover("Kg$")).toBe(false);
    expect(notificationsCover("")).toBe(false);
  });
});

describe("dumpEntry", () => {
  // DUMP of SET k "hi" on Redis 7.0: type 0, the string, RDB version 10, CRC64
  const payload = Buffer.from("00026869" + "0a00" + "0000000000000000", "hex");

  it("is the key entry of an RDB: type byte and value as raw, the trailer's version, an absolute expiry", () => {
    const e = dumpEntry(3, Buffer.from("k"), payload, 1500, 1_000_000);
    expect(e).toMatchObject({ db: 3, rdbType: 0, type: "string", rdbVersion: 10, expireAt: 1_001_500 });
    expect(e.raw.toString("hex")).toBe("00026869");
    expect(dumpEntry(0, Buffer.from("k"), payload, -1, 5).expireAt).toBeNull();
  });

  it("refuses a payload too short or of an unknown type with one sentence", () => {
    expect(() => dumpEntry(0, Buffer.from("k"), Buffer.alloc(5), -1, 0)).toThrow(/too short/);
    expect(() => dumpEntry(0, Buffer.from("k"), Buffer.from("fe00" + "0a00" + "0000000000000000", "hex"), -1, 0)).toThrow(/value type 254/);
  });
});
