import { describe, expect, it } from "vitest";
import { COMMAND_SPECS, commandName } from "./command-spec";

describe("commandName", () => {
  it("gives the lower-case name for any spelling, whatever was looked up before and even after the caller's buffer changed", () => {
    const names = [...COMMAND_SPECS.keys(), "ping", "select", "multi", "exec", "x", "a-b", "éval", ""];
    const spellings = (n: string) => [n, n.toUpperCase(), n.replace(/^./, (c) => c.toUpperCase())];
    // several rounds in different orders: names sharing a memo slot replace each other
    for (let round = 0; round < 3; round++) {
      const order = round === 1 ? [...names].reverse() : names;
      for (const n of order) {
        for (const s of spellings(n)) {
          const arg = Buffer.from(s, "latin1");
          expect(commandName(arg), s).toBe(s.toLowerCase());
          // the caller reuses its buffer: a later lookup of the same bytes must not see the change
          arg.fill(0x7a);
          expect(commandName(Buffer.from(s, "latin1")), `${s} after its buffer changed`).toBe(s.toLowerCase());
        }
      }
    }
  });
});
