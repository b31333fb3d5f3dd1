import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dataDir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-launcher-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** bin/redis-dts with the launcher saying how it loaded the CLI (REDIS_DTS_DEBUG_BUNDLE) */
function run(args: string[]) {
  const r = spawnSync(path.join(root, "bin/redis-dts"), args, {
    cwd: root,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, REDIS_DTS_DEBUG_BUNDLE: "1", REDIS_DTS_DATA_DIR: dataDir, DATABASE_URL: "", REDIS_DTS_SECRET: "test-secret-for-launcher-0123456789" },
  });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

// Every engine start pays for loading the CLI: a bundle that cannot be built (or a code cache never
// used) would only make it slower, with every other test still passing on the tsx fallback.
describe("the CLI launcher", () => {
  it("runs the bundle, and a later start compiles it from the code cache", () => {
    const first = run(["--version"]);
    expect(first.code).toBe(0);
    expect(first.stderr).not.toContain("no bundle");
    expect(first.stderr).toMatch(/redis-dts launcher: cli\.cjs\.\d+-\d+\.v8cache (absent|used)/);
    const second = run(["--version"]);
    expect(second.stderr).toMatch(/redis-dts launcher: cli\.cjs\.\d+-\d+\.v8cache used/);
  });

  it("loads node's and Prisma's modules at run time from a cached start", () => {
    // the database path imports node:crypto and node:buffer dynamically (Prisma's runtime): from
    // code compiled out of the cache those go through the launcher's import function
    run(["status", "--task", "absent"]);
    const r = run(["status", "--task", "absent"]);
    expect(r.stderr).toContain("v8cache used");
    expect(r.stderr).toContain('no task named "absent"');
    expect(r.stderr).not.toMatch(/dynamic import callback|ERR_|TypeError/);
    expect(r.code).toBe(1);
  });
});
