import { describe, expect, it } from "vitest";
import { Fences } from "./fence";
import { undoneWrites } from "./refusal-redo";
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
    const sent = new Fences("t", "127.0.0.1:1", true).redoCommand(b("INCR", "x"), Buffer.from("x"), 23, 0)!;
    expect(undoneWrites(refused(sent), 0, () => undefined)).toEqual([{ db: 0, key: Buffer.from("x"), argv: b("INCR", "x") }]);
  });
});
