import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startCluster, startRedis, stopAll } from "../../testing/redis-harness";
import { corpusFile } from "../../engine/rdb/corpus.test-helper";

const BIN = path.resolve(import.meta.dirname, "../../../bin/redis-dts");
const tmp = mkdtempSync(path.join(os.tmpdir(), "rdb-load-test-"));

function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return cliWith({}, ...args);
}

function cliWith(env: Record<string, string>, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(BIN, ["rdb", "load", ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

afterAll(async () => {
  await stopAll();
  rmSync(tmp, { recursive: true, force: true });
});

describe("redis-dts rdb load", () => {
  const multi = corpusFile("multiple_databases.rdb").path;

  it("loads, prints a summary and exits 0; intercept then refuses the same keys with one line and exit 1", async () => {
    const node = await startRedis({ password: "secret-pw" });
    const target = `redis://127.0.0.1:${node.port}`;
    const ok = await cliWith({ REDIS_DTS_TARGET_PASSWORD: "secret-pw" }, multi, "--target", target);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^2 keys written, 0 skipped as expired, \d+ B in \d+\.\d\d s \(\d+ keys\/s\)\n$/);
    expect(ok.stderr).toBe("");
    // a password in the URI still works, with a warning line before the refusal
    const again = await cli(multi, "--target", `redis://:secret-pw@127.0.0.1:${node.port}`);
    expect(again.code).toBe(1);
    const lines = again.stderr.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe("redis-dts rdb load: warning: the --target URI carries a password, which every local user can read in the process list; use REDIS_DTS_TARGET_PASSWORD or --target-password-file instead");
    expect(again.stderr).toMatch(/2 keys already existed in the destination .*--conflict ignore/);
    expect(again.stderr).not.toContain("secret-pw");
    const ignore = await cliWith({ REDIS_DTS_TARGET_PASSWORD: "secret-pw" }, multi, "--target", target, "--conflict", "ignore");
    expect(ignore.code, ignore.stderr).toBe(0);
  });

  it("skips expired keys and counts them; maps databases", async () => {
    const node = await startRedis();
    const r = await cli(corpusFile("keys_with_expiry.rdb").path, "--target", node.uri, "--conflict", "ignore");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^0 keys written, 1 skipped as expired/);
    const mapped = await cli(multi, "--target", node.uri, "--dbs", "2", "--db-map", "2:7");
    expect(mapped.code, mapped.stderr).toBe(0);
    expect(mapped.stdout).toMatch(/^1 keys written, 0 skipped as expired, 1 in databases left out/);
    const c = node.client();
    await c.select(7);
    expect(await c.dbsize()).toBe(1);
  });

  it("explains a cluster destination's database 0 and the fix", async () => {
    const cluster = await startCluster({ masters: 3 });
    const r = await cli(multi, "--target", cluster.uri, "--target-mode", "cluster");
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/only database 0: map it with --db-map 2:0/);
    const ok = await cli(multi, "--target", cluster.uri, "--target-mode", "cluster", "--db-map", "2:0");
    expect(ok.code, ok.stderr).toBe(0);
  });

  it("fails with one line for a corrupt file, a missing file and bad flags (a stack only with --debug)", async () => {
    const node = await startRedis();
    const truncated = path.join(tmp, "truncated.rdb");
    writeFileSync(truncated, corpusFile("quicklist.rdb").data.subarray(0, 100));
    const corrupt = await cli(truncated, "--target", node.uri);
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toMatch(/^redis-dts rdb load: .*truncated.* 100\n$/);
    const debug = await cli(truncated, "--target", node.uri, "--debug");
    expect(debug.stderr.split("\n").length).toBeGreaterThan(3);
    const missing = await cli(path.join(tmp, "nope.rdb"), "--target", node.uri);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^redis-dts rdb load: cannot read .*nope\.rdb: ENOENT\n$/);
    expect((await cli(multi)).code).toBe(2);
    expect((await cli(multi, "--target", node.uri, "--conflict", "maybe")).code).toBe(2);
  });
});
