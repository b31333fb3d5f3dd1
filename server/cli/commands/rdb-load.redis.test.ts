import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

  it("honours --include / --exclude: keys left out are counted, not written", async () => {
    const node = await startRedis();
    const r = await cli(multi, "--target", node.uri, "--exclude", "*second*");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^1 keys written, 0 skipped as expired, 1 left out by the key filter, /);
    expect(await node.client().get("key_in_zeroth_database")).toBe("zero");
    const c = node.client();
    await c.select(2);
    expect(await c.exists("key_in_second_database")).toBe(0);
    const empty = await cli(multi, "--target", node.uri, "--include", "");
    expect(empty.code).toBe(2);
    expect(empty.stderr.trim()).toMatch(/^redis-dts rdb load: --include: a key filter pattern cannot be empty/);
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

  it("one exit policy: anything not written exits 1 (module values, module data alike); --skip-unsupported accepts what the destination cannot take", async () => {
    const node = await startRedis();
    const moduleValue = corpusFile("redis_40_with_module.rdb").path;
    const moduleAux = corpusFile("redis_60_with_module_aux.rdb").path;
    for (const file of [moduleValue, moduleAux]) {
      const strict = await cli(file, "--target", node.uri, "--conflict", "ignore");
      expect(strict.code, `${file}: ${strict.stderr}`).toBe(1);
      expect(strict.stderr.trim().split("\n").pop()).toMatch(/^redis-dts rdb load: not everything was written: .* \(first: module .*\); --skip-unsupported accepts that and exits 0$/);
      const accepted = await cli(file, "--target", node.uri, "--conflict", "ignore", "--skip-unsupported");
      expect(accepted.code, `${file}: ${accepted.stderr}`).toBe(0);
      expect(accepted.stderr).toMatch(/warning: module/);
    }
    expect(await node.client().get("simplekey")).toBe("someval");
  });

  it("reads the whole file first: a truncated or damaged file writes nothing; with --no-verify the error says how many keys were written", async () => {
    const source = await startRedis();
    const sc = source.client();
    for (let i = 0; i < 20_000; i += 1000) {
      const p = sc.pipeline();
      for (let j = i; j < i + 1000; j++) p.set(`key:${j}`, `value-${j}-${"x".repeat(j % 50)}`);
      await p.exec();
    }
    await sc.save();
    const good = readFileSync(path.join(source.dir, "dump.rdb"));
    const truncated = path.join(tmp, "half.rdb");
    writeFileSync(truncated, good.subarray(0, Math.floor(good.length / 2)));
    const flipped = path.join(tmp, "flipped.rdb");
    const bad = Buffer.from(good);
    bad[Math.floor(bad.length * 0.8)] ^= 0x01;
    writeFileSync(flipped, bad);

    const node = await startRedis();
    for (const [file, why] of [[truncated, /truncated/], [flipped, /checksum mismatch|corrupt|invalid|unknown/i]] as const) {
      const r = await cli(file, "--target", node.uri);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`^redis-dts rdb load: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is damaged, nothing was written: `));
      expect(r.stderr).toMatch(why);
      expect(await node.client().dbsize()).toBe(0);
    }
    const unverified = await cli(truncated, "--target", node.uri, "--no-verify");
    expect(unverified.code).toBe(1);
    const written = Number(/; (\d+) keys were written before it and stay on the destination\n$/.exec(unverified.stderr)?.[1]);
    expect(written, unverified.stderr).toBeGreaterThan(0);
    expect(await node.client().dbsize()).toBe(written);
    expect((await cli(path.join(source.dir, "dump.rdb"), "--target", node.uri, "--conflict", "ignore")).code).toBe(0);
    expect(await node.client().dbsize()).toBe(20_000);
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
