import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import path from "node:path";
import { startRedis, stopAll, type RedisNode } from "../../testing/redis-harness";
import { freePort } from "../../testing/free-port";
import { PRECHECK_ITEMS } from "../../engine/precheck";

const BIN = path.resolve(__dirname, "../../../bin/redis-dts");

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(BIN, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

let source: RedisNode;
let target: RedisNode;

beforeAll(async () => {
  source = await startRedis({ password: "p@ss/w:rd" });
  target = await startRedis();
  await source.client().set("a", "1");
}, 60_000);
afterAll(stopAll);

describe("redis-dts precheck", () => {
  it("--json prints one object with every item and exits 0 when nothing failed", async () => {
    // the password from the environment: no warning, nothing in argv
    const r = await run(["precheck", "--source", `redis://127.0.0.1:${source.port}`, "--target", target.uri, "--json"], { REDIS_DTS_SOURCE_PASSWORD: "p@ss/w:rd" });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual(["items", "passed"]);
    expect(out.passed).toBe(true);
    expect(out.items.map((i: { id: string }) => i.id)).toEqual(PRECHECK_ITEMS.map((i) => i.id));
    for (const i of out.items) expect(Object.keys(i)).toEqual(["id", "name", "status", "message", "fix"]);
    expect(r.stdout).not.toContain("p@ss/w:rd");
  });

  it("exits 1 when an item failed (keys in the destination under intercept), 0 under ignore with a warning", async () => {
    await target.client().set("taken", "1");
    try {
      const intercept = await run(["precheck", "--source", source.uri, "--target", target.uri, "--conflict", "intercept", "--json"]);
      expect(intercept.code).toBe(1);
      const out = JSON.parse(intercept.stdout);
      expect(out.passed).toBe(false);
      expect(out.items.find((i: { id: string }) => i.id === "conflict")).toMatchObject({ status: "failed", message: expect.stringMatching(/db0 has 1 key$/) });
      const ignore = await run(["precheck", "--source", source.uri, "--target", target.uri, "--conflict=ignore", "--json"]);
      expect(ignore.code).toBe(0);
      expect(JSON.parse(ignore.stdout).items.find((i: { id: string }) => i.id === "conflict").status).toBe("warning");
    } finally {
      await target.client().del("taken");
    }
  });

  it("passes --dbs, --db-map and the modes through", async () => {
    const r = await run(["precheck", "--source", source.uri, "--target", target.uri, "--dbs", "0,1", "--db-map", "0:0,1:0", "--source-mode", "standalone", "--target-mode", "cluster", "--json"]);
    expect(r.code).toBe(1);
    const items = JSON.parse(r.stdout).items as { id: string; status: string; message: string }[];
    expect(items.find((i) => i.id === "db_mapping")).toMatchObject({ status: "warning", message: expect.stringMatching(/db0 \+ db1 are merged into db0/) });
    expect(items.find((i) => i.id === "target_mode")).toMatchObject({ status: "failed", message: expect.stringMatching(/Instance Mode Cluster was chosen/) });
  });

  it("prints a readable table without --json", async () => {
    const port = await freePort();
    const r = await run(["precheck", "--source", source.uri, "--target", `redis://127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^PASSED +Source database connectivity +The source 127\.0\.0\.1:\d+ answered as Redis/m);
    expect(r.stdout).toMatch(/^FAILED +Destination database connectivity +127\.0\.0\.1:\d+ \(master\): connection to .* refused/m);
    expect(r.stdout).toMatch(/^ +fix: Check the destination host and port/m);
    expect(r.stdout).toMatch(/Precheck failed \(\d+ failed, \d+ warnings?, \d+ passed\)\.\n$/);
  });

  it("exits 2 with one clear line for a bad URI, a missing flag or a bad option", async () => {
    const bad = await run(["precheck", "--source", "http://x:1", "--target", target.uri, "--json"]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toBe("redis-dts precheck: --source: unsupported scheme 'http:': URI must look like redis://[user:password@]host:port (rediss:// for TLS) (see redis-dts precheck --help)\n");
    const missing = await run(["precheck", "--source", source.uri]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--target URI is required/);
    const conflict = await run(["precheck", "--source", source.uri, "--target", target.uri, "--conflict", "merge"]);
    expect(conflict.code).toBe(2);
    expect(conflict.stderr).toMatch(/--conflict must be intercept or ignore/);
    const mode = await run(["precheck", "--source", source.uri, "--target", target.uri, "--target-mode", "sentinel"]);
    expect(mode.code).toBe(2);
    expect(mode.stderr).toMatch(/--target-mode must be standalone or cluster/);
  });
});
