import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error plain JavaScript module of `npm start`
import { sourceFingerprint } from "./start-build.mjs";

const root = path.resolve(__dirname, "..");

/** Top-level files that `next build` does not read: a change to them must not cost a rebuild. */
const NOT_IN_THE_BUILD = new Set(["vitest.config.ts", "playwright.config.ts", "prisma.config.ts", ".dependency-cruiser.cjs"]);

const tracked = execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" })
  .split("\n")
  .filter((f) => f && !f.includes("/") && /\.(ts|tsx|js|mjs|cjs|json)$/.test(f) && !NOT_IN_THE_BUILD.has(f));

/**
 * `npm start` rebuilds the console when its sources' fingerprint changes. A top-level file that Next
 * compiles (instrumentation.ts was one) but the fingerprint left out kept serving the old build.
 */
describe("the console's build fingerprint", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "dts-fingerprint-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  for (const f of tracked) writeFileSync(path.join(dir, f), readFileSync(path.join(root, f)));

  it("covers the top-level files Next reads", () => {
    expect(tracked).toEqual(expect.arrayContaining(["instrumentation.ts", "proxy.ts", "next.config.js", "package.json"]));
  });

  it.each(tracked)("changes when %s changes", (file) => {
    const before = sourceFingerprint(dir);
    const original = readFileSync(path.join(dir, file));
    writeFileSync(path.join(dir, file), Buffer.concat([original, Buffer.from("\n// changed\n")]));
    try {
      expect(sourceFingerprint(dir)).not.toBe(before);
    } finally {
      writeFileSync(path.join(dir, file), original);
    }
  });
});
