import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error plain JavaScript module of `npm start`
import { NOT_IN_THE_BUILD, sourceFingerprint } from "./start-build.mjs";

const root = path.resolve(__dirname, "..");

const topLevel = execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" })
  .split("\n")
  .filter((f) => f && !f.includes("/") && /\.(ts|tsx|js|mjs|cjs|json)$/.test(f));
const tracked = topLevel.filter((f) => !NOT_IN_THE_BUILD.has(f));

/**
 * `npm start` rebuilds the console when its sources' fingerprint changes. A top-level file that Next
 * compiles (instrumentation.ts was one) but the fingerprint left out kept serving the old build.
 */
describe("the console's build fingerprint", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "dts-fingerprint-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  for (const f of topLevel) writeFileSync(path.join(dir, f), readFileSync(path.join(root, f)));

  /** whether the fingerprint moves when `file` (in a copy of the top level) is written as `edit` makes it */
  const changes = (file: string, edit: (text: Buffer) => Buffer) => {
    const before = sourceFingerprint(dir);
    const full = path.join(dir, file);
    const original = existsSync(full) ? readFileSync(full) : null;
    writeFileSync(full, edit(original ?? Buffer.alloc(0)));
    try {
      return sourceFingerprint(dir) !== before;
    } finally {
      if (original) writeFileSync(full, original);
      else rmSync(full);
    }
  };

  it("covers the top-level files Next reads", () => {
    expect(tracked).toEqual(expect.arrayContaining(["instrumentation.ts", "proxy.ts", "next.config.js", "package.json"]));
  });

  it.each(tracked)("changes when %s changes", (file) => {
    expect(changes(file, (t) => Buffer.concat([t, Buffer.from("\n// changed\n")]))).toBe(true);
  });

  it("changes when a new top-level module appears, which nobody had to list", () => {
    expect(changes("a-new-hook.ts", () => Buffer.from("export const hook = 1;\n"))).toBe(true);
  });

  it.each([...NOT_IN_THE_BUILD].filter((f) => topLevel.includes(f)))("does not change when %s, which the build does not read, changes", (file) => {
    expect(changes(file, (t) => Buffer.concat([t, Buffer.from("\n// changed\n")]))).toBe(false);
  });
});
