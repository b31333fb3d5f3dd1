import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { startRedis, stopAll } from "../../testing/redis-harness";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
afterAll(stopAll);

// `redis-dts sync --json | head -1`: the pipe's reader exits after the first line.
describe("redis-dts sync whose output is closed", () => {
  it("stops like Ctrl-C (paused, exit 0), without an unhandled EPIPE", async () => {
    const src = await startRedis();
    const dst = await startRedis();
    await src.client().set("a", "1");
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-epipe-"));
    const proc = spawn(path.join(root, "bin/redis-dts"), ["sync", "--json", "--task", "piped", "--source", src.uri, "--target", dst.uri], {
      cwd: root,
      env: { ...process.env, REDIS_DTS_DATA_DIR: dataDir, DATABASE_URL: "", REDIS_DTS_SECRET: "test-secret-for-sync-tests-0123456789" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    let text = "";
    // read until the task synchronizes, then close our end as `head` would
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no synchronizing line: ${text.slice(-500)} ${stderr}`)), 30_000);
      proc.stdout.on("data", (d: Buffer) => {
        text += d.toString();
        if (text.includes('"state":"synchronizing"')) {
          clearTimeout(timer);
          proc.stdout.destroy();
          resolve();
        }
      });
    });
    const code = await new Promise<number | null>((resolve) => proc.on("exit", (c) => resolve(c)));
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code, stderr).toBe(0);
    const status = await new Promise<string>((resolve) => {
      const p = spawn(path.join(root, "bin/redis-dts"), ["status", "--task", "piped", "--json"], { cwd: root, env: { ...process.env, REDIS_DTS_DATA_DIR: dataDir, DATABASE_URL: "", REDIS_DTS_SECRET: "test-secret-for-sync-tests-0123456789" } });
      let out = "";
      p.stdout.on("data", (d: Buffer) => (out += d.toString()));
      p.on("exit", () => resolve(out));
    });
    expect(JSON.parse(status)).toMatchObject({ state: "paused" });
  });
});
