import { afterAll, afterEach, describe, expect, it } from "vitest";
import path from "node:path";
import Database from "better-sqlite3";
import { startRedis, stopAll } from "../../testing/redis-harness";
import { syncProcessPool } from "../../testing/sync-process";
import { storedEvents } from "../../testing/resilience";
import { waitCaughtUp } from "../../testing/sync-fixtures";

/**
 * Two engine processes on one task and one database: the lease in the database lets only one run
 * it. The second says who runs it and exits non-zero without changing the task; the first keeps
 * synchronizing; once the first is gone (even killed with -9) the task can be run again at once.
 */
const pool = syncProcessPool();
afterEach(pool.cleanup);
afterAll(stopAll);

function storedTarget(dataDir: string, task: string): { host: string; port: number } {
  const db = new Database(path.join(dataDir, "redis-dts.db"), { readonly: true });
  try {
    return db
      .prepare(`SELECT e.host AS host, e.port AS port FROM Endpoint e JOIN Task t ON t.id = e.taskId WHERE t.name = ? AND e.role = 'destination'`)
      .get(task) as { host: string; port: number };
  } finally {
    db.close();
  }
}

describe("one task, two engine processes", () => {
  it("the second is refused (who runs it, exit 1, task unchanged), the first keeps going", async () => {
    const src = await startRedis();
    const dst = await startRedis();
    const other = await startRedis();
    const c = src.client();
    const first = pool.start(["--task", "lease", "--skip-precheck", "--source", src.uri, "--target", dst.uri]);
    await first.waitState("synchronizing");

    const second = pool.start(["--task", "lease", "--skip-precheck", "--source", src.uri, "--target", other.uri], first.dataDir);
    expect(await second.exited()).toBe(1);
    const lines = second.stderr.trim().split("\n");
    expect(lines, second.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^redis-dts sync: task "lease" is already being run by another redis-dts process \\(process ${first.pid} on .+\\); stop it first$`));
    expect(second.lines).toEqual([]);

    // the running task's settings were not touched, and it still synchronizes
    expect(storedTarget(first.dataDir, "lease").port).toBe(dst.port);
    await c.set("after-second", "1");
    await waitCaughtUp(first, [src]);
    expect(first.running).toBe(true);
    expect(await dst.client().get("after-second")).toBe("1");
    expect(await other.client().dbsize()).toBe(0);
    expect(storedEvents(first.dataDir, "lease").some((e) => e.level === "warn" && /was refused this task: it is being run by process/.test(e.message))).toBe(true);

    // a holder killed with -9 does not lock the task out until its lease expires
    await first.kill();
    await c.set("after-kill", "1");
    const third = pool.start(["--task", "lease", "--skip-precheck", "--source", src.uri, "--target", dst.uri], first.dataDir);
    await third.waitState("synchronizing", 30_000);
    await waitCaughtUp(third, [src]);
    expect(await dst.client().get("after-kill")).toBe("1");
  });
});
