import { describe, expect, it } from "vitest";
import { Fences } from "./fence";
import { decodeResume, encodeResume, redoMarkerId, undoneWrites } from "./refusal-redo";
import type { CommandFailure } from "../writer/types";
import { ReplyError } from "../resp/values";

const b = (...s: string[]) => s.map((x) => Buffer.from(x));
const refused = (argv: Buffer[]): CommandFailure => ({ error: new ReplyError("WRONGTYPE Operation against a key holding the wrong kind of value"), tag: 23, argv, node: "127.0.0.1:1", uncertain: false, replayed: false, db: 0 });

describe("undoneWrites", () => {
  it("keeps the source's write of a fenced write", () => {
    const fences = new Fences("t", "127.0.0.1:1", false);
    const sent = fences.wrap(b("INCR", "x"), fences.keyFor(Buffer.from("x"))!, { offset: 23, sub: 0 });
    expect(undoneWrites(refused(sent), 0, () => undefined)).toEqual([{ db: 0, key: Buffer.from("x"), argv: b("INCR", "x") }]);
  });

  it("keeps the source's write, routed by its key, of a write refused again at a resume", () => {
    const sent = new Fences("t", "127.0.0.1:1", true).redoCommand(b("INCR", "x"), Buffer.from("x"), "0123456789abcdef")!;
    expect(undoneWrites(refused(sent), 0, () => undefined)).toEqual([{ db: 0, key: Buffer.from("x"), argv: b("INCR", "x") }]);
  });
});

describe("the stored redo list", () => {
  it("keeps each write's marker id", () => {
    const fix = { skipTo: 40, redo: [{ db: 1, key: Buffer.from("x"), argv: b("INCR", "x"), id: "0123456789abcdef" }] };
    const back = decodeResume(encodeResume(fix))!;
    expect(back).toEqual(fix);
    expect(redoMarkerId(back.redo[0], 23, 0)).toBe("0123456789abcdef");
  });

  it("reads a list stored by the earlier version, its markers named by the pause offset and the place in the list", () => {
    const old = JSON.stringify({ skipTo: 40, redo: [{ db: 0, key: Buffer.from("x").toString("base64"), argv: b("INCR", "x").map((a) => a.toString("base64")) }] });
    const back = decodeResume(old)!;
    expect(back).toEqual({ skipTo: 40, redo: [{ db: 0, key: Buffer.from("x"), argv: b("INCR", "x") }] });
    expect(redoMarkerId(back.redo[0], 23, 0)).toBe("23:0");
    const sent = new Fences("t", "127.0.0.1:1", false).redoCommand(back.redo[0].argv, back.redo[0].key, redoMarkerId(back.redo[0], 23, 0))!;
    expect(sent[3].toString()).toMatch(/redo:23:0$/);
  });
});
