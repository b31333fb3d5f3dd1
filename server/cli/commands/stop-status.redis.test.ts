import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startRedis, stopAll } from "../../testing/redis-harness";
import { syncProcessPool } from "../../testing/sync-process";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const pool = syncProcessPool();
afterEach(pool.cleanup);
afterAll(stopAll);

const cli = (args: string[], dataDir: string) =>
  spawnSync(path.join(root, "bin/redis-dts"), args, { cwd: root, encoding: "utf8", timeout: 60_000, env: { ...process.env, REDIS_DTS_DATA_DIR: dataDir, DATABASE_URL: "", REDIS_DTS_SECRET: "test-secret-for-sync-tests-0123456789" } });

// `status`, `stop` and `resume` on the embedded database (SQLite), against a `redis-dts sync` of this machine.
describe("redis-dts status / stop / resume", () => {
  it("stop asks the local sync to stop after a final checkpoint (paused); resume marks it running again", async () => {
    const src = await startRedis();
    const dst = await startRedis();
    await src.client().set("a", "1");
    const sync = pool.start(["--task", "local", "--source", src.uri, "--target", dst.uri]);
    await sync.waitState("synchronizing");
    const stopped = cli(["stop", "--task", "local"], sync.dataDir);
    expect(stopped.status, stopped.stderr).toBe(0);
    expect(stopped.stderr).toMatch(/asked process \d+ on .* to stop/);
    expect(await sync.exited(30_000)).toBe(0);
    const status = cli(["status", "--task", "local", "--json"], sync.dataDir);
    expect(status.status, status.stderr).toBe(0);
    const json = JSON.parse(status.stdout);
    expect(json).toMatchObject({ state: "paused", shards: [], divergence: { refused: 0, inexact: 0 } });
    const human = cli(["status", "--task", "local"], sync.dataDir);
    expect(human.stdout).toContain('task "local": paused');
    expect(cli(["stop", "--task", "local"], sync.dataDir).stderr).toContain("already stopped");
    const resumed = cli(["resume", "--task", "local"], sync.dataDir);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('task "local" synchronizing');
    expect(cli(["resume", "--task", "local"], sync.dataDir).stderr).toContain("Only a paused task can be resumed");
  });
});
