import net from "node:net";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import type { SyncSnapshot } from "../engine/sync/sync-task";
import { startRedis, stopAll, waitFor } from "../testing/redis-harness";
import { useTempSqlite } from "../testing/temp-sqlite";
import { storeTask } from "../testing/stored-task";

/**
 * An engine start is CPU-bound on one thread until PSYNC: whatever it stores then (the precheck's
 * items, the task's new state, its events, the retention pass) delays the first byte copied. Those
 * writes wait until every shard has sent PSYNC (run-stored-task.ts, SyncTask.asked).
 *
 * The order is read in this process, on one sequence: every SQL statement the database client
 * prepares, and the PSYNC the replication connection writes. Patched before the client connects.
 */
useTempSqlite("start-storage-order");
process.env.REDIS_DTS_SECRET = "start-storage-order-secret-0123456789abcdef";
afterAll(stopAll);

const events: string[] = [];
const prepare = Database.prototype.prepare;
Database.prototype.prepare = function (this: Database.Database, sql: string) {
  events.push(`sql ${sql}`);
  return prepare.call(this, sql);
} as typeof prepare;
const write = net.Socket.prototype.write;
net.Socket.prototype.write = function (this: net.Socket, chunk: unknown, ...rest: unknown[]) {
  if (Buffer.isBuffer(chunk) || typeof chunk === "string") {
    if (chunk.toString("latin1").startsWith("*3\r\n$5\r\nPSYNC\r\n")) events.push("psync");
  }
  return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
} as typeof write;

describe("an engine start's bookkeeping", () => {
  it("stores the precheck's outcomes, the task's state and its first events after PSYNC", async () => {
    const { runStoredTask } = await import("./run-stored-task");
    const { getLatestPrecheckRun } = await import("../db/precheck/get-latest-precheck-run");
    const { getTask } = await import("../db/task/get-task");
    const [source, target] = await Promise.all([startRedis(), startRedis()]);
    for (let i = 0; i < 50; i++) await source.client().set(`k${i}`, String(i));
    const taskId = await storeTask({ name: "stored after psync", source, target });
    events.length = 0;
    const controller = new AbortController();
    let last: SyncSnapshot | null = null;
    const run = runStoredTask({ taskId, dataDir: process.env.REDIS_DTS_DATA_DIR!, signal: controller.signal, onStatus: (s) => (last = s) });
    await waitFor(() => last?.state === "synchronizing", 20_000, "the task to synchronize");
    controller.abort();
    expect((await run).state).toBe("paused");

    const psync = events.indexOf("psync");
    expect(psync).toBeGreaterThan(0);
    const before = events.slice(0, psync);
    const after = events.slice(psync + 1);
    // the run and its items, the start state (it stamps startedAt), the events, the retention pass
    const bookkeeping = [/INSERT INTO [`"]?(main[`"]?\.)?[`"]?PrecheckRun/i, /UPDATE .*Task[`"]? SET .*startedAt/i, /INSERT INTO [`"]?(main[`"]?\.)?[`"]?TaskEvent/i, /DELETE FROM .*MetricSample/i];
    for (const pattern of bookkeeping) {
      expect(before.filter((e) => pattern.test(e)), `before PSYNC: ${pattern}`).toEqual([]);
      expect(after.some((e) => pattern.test(e)), `after PSYNC: ${pattern}`).toBe(true);
    }
    // stored all the same: the run with every item decided, the start stamped
    const stored = await getLatestPrecheckRun({ taskId });
    expect(stored?.status).toBe("passed");
    expect(stored?.items.filter((i) => i.status === "pending")).toEqual([]);
    expect((await getTask({ id: taskId }))?.startedAt).toBeInstanceOf(Date);
  });
});
