import { afterAll, afterEach, describe, expect, it } from "vitest";
import path from "node:path";
import Database from "better-sqlite3";
import { startRedis, stopAll, waitFor } from "../../testing/redis-harness";
import { syncProcessPool } from "../../testing/sync-process";

/**
 * Metric samples and events are kept for a window (7 and 30 days by default, set by
 * REDIS_DTS_METRICS_RETENTION_DAYS / REDIS_DTS_EVENTS_RETENTION_DAYS): the running engine deletes its
 * task's older rows, and leaves recent ones and other tasks' rows alone.
 */
const pool = syncProcessPool();
afterEach(pool.cleanup);
afterAll(stopAll);

const DAY = 86_400_000;

function withDb<T>(dataDir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(path.join(dataDir, "redis-dts.db"), { timeout: 15_000 });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Rows dated `daysAgo` for the task, written the way the store writes dates (Prisma's SQLite adapter). */
function addOldRows(dataDir: string, taskId: string, label: string, daysAgo: number): void {
  withDb(dataDir, (db) => {
    const asInteger = (db.prepare(`SELECT typeof(time) AS t FROM TaskEvent LIMIT 1`).get() as { t: string }).t === "integer";
    const time = new Date(Date.now() - daysAgo * DAY);
    const value = asInteger ? time.getTime() : time.toISOString();
    db.prepare(`INSERT INTO TaskEvent (taskId, time, level, message) VALUES (?, ?, 'info', ?)`).run(taskId, value, label);
    db.prepare(`INSERT INTO MetricSample (taskId, time, opsPerSec, keys, bytes, lagBytes) VALUES (?, ?, ?, 0, 0, 0)`).run(taskId, value, daysAgo);
  });
}

function rows(dataDir: string, taskId: string): { events: string[]; samples: number[] } {
  return withDb(dataDir, (db) => ({
    events: (db.prepare(`SELECT message FROM TaskEvent WHERE taskId = ? AND message LIKE 'aged %' ORDER BY message`).all(taskId) as { message: string }[]).map((r) => r.message),
    samples: (db.prepare(`SELECT opsPerSec FROM MetricSample WHERE taskId = ? AND opsPerSec >= 1 ORDER BY opsPerSec`).all(taskId) as { opsPerSec: number }[]).map((r) => r.opsPerSec),
  }));
}

/** a pass has deleted down to these counts (or further: the exact rows are asserted after) */
function pruned(r: { events: string[]; samples: number[] }, samples: number, events: number): boolean {
  return r.samples.length <= samples && r.events.length <= events;
}

function taskId(dataDir: string, name: string): string {
  return withDb(dataDir, (db) => (db.prepare(`SELECT id FROM Task WHERE name = ?`).get(name) as { id: string }).id);
}

describe("retention of metric samples and events", () => {
  it("the running engine deletes its task's rows older than the window, keeps recent ones and other tasks'", async () => {
    const src = await startRedis();
    const dst = await startRedis();
    const other = await startRedis();
    const args = ["--task", "kept", "--skip-precheck", "--source", src.uri, "--target", dst.uri];
    const first = pool.start(args);
    await first.waitState("synchronizing");
    await first.stop();
    const second = pool.start(["--task", "other", "--skip-precheck", "--source", src.uri, "--target", other.uri], first.dataDir);
    await second.waitState("synchronizing");
    await second.stop();
    const [kept, otherId] = [taskId(first.dataDir, "kept"), taskId(first.dataDir, "other")];
    for (const days of [2, 6, 8, 29, 31]) {
      addOldRows(first.dataDir, kept, `aged ${days}`, days);
      addOldRows(first.dataDir, otherId, `aged ${days}`, days);
    }

    const again = pool.start(args, first.dataDir);
    await again.waitState("synchronizing");
    // a pass deletes samples, then events: both are awaited (the samples alone left "aged 31" to be seen)
    await waitFor(() => pruned(rows(first.dataDir, kept), 2, 4), 10_000, "old samples and events pruned");
    expect(rows(first.dataDir, kept)).toEqual({ events: ["aged 2", "aged 29", "aged 6", "aged 8"], samples: [2, 6] });
    expect(rows(first.dataDir, otherId).samples).toEqual([2, 6, 8, 29, 31]);
    await again.stop();

    // configurable: one day of samples, seven of events
    const shorter = pool.start(args, first.dataDir, { REDIS_DTS_METRICS_RETENTION_DAYS: "1", REDIS_DTS_EVENTS_RETENTION_DAYS: "7" });
    await shorter.waitState("synchronizing");
    await waitFor(() => pruned(rows(first.dataDir, kept), 0, 2), 10_000, "samples older than a day and events older than a week pruned");
    expect(rows(first.dataDir, kept).events).toEqual(["aged 2", "aged 6"]);
  });

  it("a retention setting that is not a number of days stops sync with a clear error", async () => {
    const src = await startRedis();
    const dst = await startRedis();
    const p = pool.start(["--task", "bad", "--skip-precheck", "--source", src.uri, "--target", dst.uri], undefined, { REDIS_DTS_EVENTS_RETENTION_DAYS: "a month" });
    expect(await p.exited()).toBe(1);
    expect(p.stderr.trim().split("\n").pop()).toBe(`redis-dts sync: REDIS_DTS_EVENTS_RETENTION_DAYS must be a number of days greater than 0 (got "a month")`);
  });
});
