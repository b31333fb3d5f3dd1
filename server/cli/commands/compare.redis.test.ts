import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import path from "node:path";
import type { Redis } from "ioredis";
import { startRedis, stopAll, type RedisNode } from "../../testing/redis-harness";
import { BIN_KEY, copyKeys, writeEveryType } from "../../engine/compare/test-fixtures";

const BIN = path.resolve(import.meta.dirname, "../../../bin/redis-dts");

function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return cliWith({}, ...args);
}

function cliWith(env: Record<string, string>, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(BIN, ["compare", ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

let src: RedisNode;
let dst: RedisNode;
let locked: RedisNode;
let s: Redis;
let d: Redis;

beforeAll(async () => {
  [src, dst, locked] = await Promise.all([startRedis(), startRedis(), startRedis({ password: "s3cret-pw" })]);
  s = src.client();
  d = dst.client();
  await writeEveryType(s);
  await copyKeys(s, d);
});
afterAll(() => stopAll());

describe("redis-dts compare", () => {
  it("exits 0 with the JSON contract when both sides are equal", async () => {
    const r = await cli("--source", src.uri, "--target", dst.uri, "--json");
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(["equal", "keys", "missing", "extra", "different", "samples"]);
    expect(out).toEqual({ equal: true, keys: 9, missing: 0, extra: 0, different: 0, samples: [] });
  });

  it("exits 1 and names the differing keys, in JSON and for a person", async () => {
    await d.del("list");
    await d.append(BIN_KEY, "x");
    const r = await cli("--source", src.uri, "--target", dst.uri, "--mode", "quick", "--json");
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ equal: false, keys: 9, missing: 1, extra: 0, different: 1 });
    expect(out.samples).toEqual(expect.arrayContaining([
      expect.objectContaining({ key: "list", kind: "missing", db: 0 }),
      expect.objectContaining({ keyBase64: BIN_KEY.toString("base64"), kind: "length" }),
    ]));
    const human = await cli("--source", src.uri, "--target", dst.uri);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/1 missing, 0 extra, 1 different/);
    expect(human.stdout).toMatch(/missing\s+db0\s+list\s+\(not on the target\)/);
    expect(human.stdout).toMatch(/The source and the target differ\./);
    await copyKeys(s, d);
  });

  it("exits 2 on usage errors", async () => {
    for (const args of [["--source", src.uri], ["--source", src.uri, "--target", dst.uri, "--mode", "slow"], ["--source", "http://x:1", "--target", dst.uri], ["--source", src.uri, "--target", dst.uri, "--db-map", "1-0"], ["--source", src.uri, "--target", dst.uri, "--frobnicate"]]) {
      const r = await cli(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });

  it("exits 3 with one clear line when a side cannot be reached or refuses the password", async () => {
    const gone = await startRedis();
    await gone.stop();
    const refused = await cli("--source", src.uri, "--target", gone.uri, "--json");
    expect(refused.code).toBe(3);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toMatch(/^redis-dts compare: target: connection to 127\.0\.0\.1:\d+ refused[^\n]*\n$/);
    const wrong = await cliWith({ REDIS_DTS_SOURCE_PASSWORD: "not-the-pw" }, "--source", `redis://127.0.0.1:${locked.port}`, "--target", dst.uri);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/^redis-dts compare: source: [^\n]*password[^\n]*\n$/);
    expect(wrong.stderr).not.toContain("not-the-pw");
    expect((await cli("--source", locked.uri, "--target", locked.uri, "--json")).code).toBe(0);
  });
});
