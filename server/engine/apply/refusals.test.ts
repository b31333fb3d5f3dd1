import { describe, expect, it } from "vitest";
import { FENCE_SCRIPT, REDO_SCRIPT } from "./fence";
import { describeRefusal, isReplayEcho, refusalMessage } from "./refusals";

const b = (...xs: string[]) => xs.map((x) => Buffer.from(x));

describe("describeRefusal", () => {
  it("names the source's command and key, also inside the fence script and the resume's redo script", () => {
    expect(describeRefusal(b("INCR", "y"))).toEqual({ command: "INCR", keys: b("y") });
    expect(describeRefusal([Buffer.from("EVAL"), FENCE_SCRIPT, ...b("1", "fence-key", "5-1", "86400000", "incr", "y")])).toEqual({ command: "INCR", keys: b("y") });
    // a write refused before a pause is applied again under a marker at the resume: a second
    // refusal there is that write, not an EVAL whose "key" is the script's text
    expect(describeRefusal([Buffer.from("eval"), REDO_SCRIPT, ...b("1", "redo-marker", "86400000", "INCR", "y")])).toEqual({ command: "INCR", keys: b("y") });
    // a script or function of a source that replicates them verbatim: its keys
    expect(describeRefusal(b("EVAL", "return 1", "2", "k1", "k2", "arg"))).toEqual({ command: "EVAL", keys: b("k1", "k2") });
    expect(describeRefusal(b("FCALL", "f", "0", "arg"))).toEqual({ command: "FCALL", keys: [] });
    expect(describeRefusal(b("FLUSHALL"))).toEqual({ command: "FLUSHALL", keys: [] });
  });

  it("sees a replayed echo through the redo script too", () => {
    // only the message is read
    const error = new Error("BUSYGROUP Consumer Group name already exists") as unknown as Parameters<typeof isReplayEcho>[0]["error"];
    expect(isReplayEcho({ argv: [Buffer.from("EVAL"), REDO_SCRIPT, ...b("1", "m", "1", "XGROUP", "CREATE", "s", "g", "$")], error })).toBe(true);
  });
});

describe("refusalMessage", () => {
  it("drops the suffix Redis adds to an error raised inside a script, keeping the rest", () => {
    const inScript = "WRONGTYPE Operation against a key holding the wrong kind of value script: fcdfd8900848cc125906c9bf7f687e69affcbbe6, on @user_script:1.";
    expect(refusalMessage(inScript)).toBe("WRONGTYPE Operation against a key holding the wrong kind of value");
    expect(refusalMessage("OOM command not allowed when used memory > 'maxmemory'.")).toBe("OOM command not allowed when used memory > 'maxmemory'.");
  });
});
