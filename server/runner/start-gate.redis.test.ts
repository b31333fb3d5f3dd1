import { afterAll, describe, expect, it } from "vitest";
import type { SyncSnapshot } from "../engine/sync/sync-task";
import { startRedis, stopAll, waitFor, type RedisNode } from "../testing/redis-harness";
import { useTempSqlite } from "../testing/temp-sqlite";
import { storeTask } from "../testing/stored-task";

/**
 * An engine start sets the task up while its precheck runs (run-stored-task.ts, SyncTask's
 * startGate): the source is asked for its data only once the precheck passed. A failed precheck
 * leaves no trace on either side (no full resynchronization requested, the destination as it was)
 * and no line of a synchronization in the task's events; a passed one copies as before.
 */
useTempSqlite("start-gate");
process.env.REDIS_DTS_SECRET = "start-gate-test-secret-0123456789abcdef";
afterAll(stopAll);

function storedTask(name: string, source: RedisNode, target: RedisNode): Promise<string> {
  return storeTask({ name, source, target, data: { conflictMode: "intercept" } });
}

async function fullSyncs(node: RedisNode): Promise<number> {
  return Number(/sync_full:(\d+)/.exec(await node.client().info("stats"))?.[1] ?? NaN);
}

describe("the start gate of an engine start", () => {
  it("a failed precheck: no full synchronization asked of the source, the destination untouched", async () => {
    const { runStoredTask } = await import("./run-stored-task");
    const { findTaskEvents } = await import("../db/task-event/find-task-events");
    const [source, target] = await Promise.all([startRedis(), startRedis()]);
    await source.client().set("k", "v");
    // intercept: a key already on the destination fails the precheck
    await target.client().set("theirs", "1");
    const id = await storedTask("gate closed", source, target);
    const final = await runStoredTask({ taskId: id, dataDir: process.env.REDIS_DTS_DATA_DIR!, signal: new AbortController().signal });
    expect(final.state).toBe("precheck_failed");
    expect(final.error).toMatch(/precheck failed: .*destination/i);
    expect(await fullSyncs(source)).toBe(0);
    expect((await target.client().keys("*")).sort()).toEqual(["theirs"]);
    const events = (await findTaskEvents({ taskId: id })).map((e) => e.message);
    expect(events.some((m) => /precheck failed/.test(m))).toBe(true);
    expect(events.some((m) => /^synchronizing \d+ source/.test(m) || /task started/.test(m))).toBe(false);
  });

  it("a passed precheck: the task copies and follows, one full synchronization", async () => {
    const { runStoredTask } = await import("./run-stored-task");
    const [source, target] = await Promise.all([startRedis(), startRedis()]);
    for (let i = 0; i < 100; i++) await source.client().set(`k${i}`, String(i));
    const id = await storedTask("gate open", source, target);
    const controller = new AbortController();
    let last: SyncSnapshot | null = null;
    const run = runStoredTask({ taskId: id, dataDir: process.env.REDIS_DTS_DATA_DIR!, signal: controller.signal, onStatus: (s) => (last = s) });
    await waitFor(() => last?.state === "synchronizing", 20_000, "the task to synchronize");
    await source.client().set("after", "start");
    await waitFor(async () => (await target.client().get("after")) === "start", 10_000, "a write after the start to arrive");
    controller.abort();
    const final = await run;
    expect(final.state).toBe("paused");
    expect(await fullSyncs(source)).toBe(1);
    expect(await target.client().get("k99")).toBe("99");
  });
});
