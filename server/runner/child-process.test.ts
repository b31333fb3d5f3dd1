import { spawn } from "node:child_process";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { isAlive, keepTail, launcherCommand, readJsonLines, stopProcess } from "./child-process";

describe("child-process helpers", () => {
  it("take the environment and node flags from the launcher's shebang, so a process started through node runs like the launcher", () => {
    const { env, flags } = launcherCommand();
    expect(flags).toContain("--conditions=react-server");
    expect(flags.some((f) => f.startsWith("--max-semi-space-size="))).toBe(true);
    expect(env.MALLOC_ARENA_MAX).toBe("2");
    // glibc's own moving mmap threshold: a fixed one made every 64 KB socket chunk a fresh mapping
    expect(env.MALLOC_MMAP_THRESHOLD_).toBeUndefined();
    const dir = mkdtempSync(path.join(os.tmpdir(), "launcher-"));
    writeFileSync(path.join(dir, "a"), "#!/usr/bin/env -S A=1 B=x=y node --x=1  --y\nrest\n");
    expect(launcherCommand(path.join(dir, "a"))).toEqual({ env: { A: "1", B: "x=y" }, flags: ["--x=1", "--y"] });
    writeFileSync(path.join(dir, "b"), "#!/bin/sh\n");
    expect(() => launcherCommand(path.join(dir, "b"))).toThrow(/no node command/);
    writeFileSync(path.join(dir, "c"), "#!/usr/bin/env -S oops node\n");
    expect(() => launcherCommand(path.join(dir, "c"))).toThrow(/not NAME=value/);
  });

  it("read JSON lines split anywhere across chunks, and pass other lines on", () => {
    const stream = new PassThrough();
    const values: unknown[] = [];
    const other: string[] = [];
    readJsonLines(stream, (v) => values.push(v), (l) => other.push(l));
    for (const chunk of ['{"a":', '1}\nnot json\n{"b"', ':[2]}\n{"c":3}']) stream.write(chunk);
    expect(values).toEqual([{ a: 1 }, { b: [2] }]);
    expect(other).toEqual(["not json"]);
    stream.write("\n");
    expect(values).toEqual([{ a: 1 }, { b: [2] }, { c: 3 }]);
  });

  it("keep the tail of a stream and its last line", () => {
    const stream = new PassThrough();
    const tail = keepTail(stream, 12);
    stream.write("first line\nsecond\n");
    stream.write("third line\n");
    expect(tail.text()).toBe("\nthird line\n");
    expect(tail.lastLine()).toBe("third line");
  });

  it("kill a process that ignores the request to stop once the grace time is over", async () => {
    const proc = spawn(process.execPath, ["-e", "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); console.log('up')"], { stdio: ["ignore", "pipe", "ignore"] });
    await new Promise((resolve) => proc.stdout.once("data", resolve));
    expect(isAlive(proc)).toBe(true);
    await stopProcess(proc, 200);
    expect(proc.signalCode).toBe("SIGKILL");
    await stopProcess(proc, 200); // already gone: returns at once
  });
});
