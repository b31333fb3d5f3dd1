import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "../db/client";
import { findTaskEvents } from "../db/task-event/find-task-events";
import type { SyncSnapshot } from "../engine/sync/sync-task";
import { startRedis, stopAll, waitFor, type RedisNode } from "../testing/redis-harness";
import { storeTask } from "../testing/stored-task";
import { runStoredTask } from "./run-stored-task";
import { removeStoredTaskKeys } from "./remove-stored-task-keys";

/**
 * The console's paths: the engine process finishing a task (run-task with the stop state
 * "finished") removes the task's own keys from both sides; deleting a task removes them too, and a
 * side that cannot be reached is a warning, never a failure.
 */
let dir: string;
let source: RedisNode;
let target: RedisNode;
const OWN = "DTS_REDIS_TIMESTAMP_HEARTBEAT";

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-ownkeys-"));
  process.env.DATABASE_URL = `file:${path.join(dir, "own.db")}`;
  process.env.REDIS_DTS_DATA_DIR = dir;
  process.env.REDIS_DTS_SECRET = "own-keys-test-secret-0123456789abcdef";
  [source, target] = await Promise.all([startRedis({ password: "src-pw" }), startRedis()]);
});

afterAll(async () => {
  await stopAll();
  await closeDb();
  rmSync(dir, { recursive: true, force: true });
});

function storedTask(name: string, dst: RedisNode): Promise<string> {
  // db1 → db3: the keys live in mapped databases, not only db0
  return storeTask({ name, source: { host: source.host, port: source.port, password: "src-pw" }, target: dst, data: { selectedDbs: [1], dbMap: { "1": 3 }, conflictMode: "ignore" } });
}

async function keysIn(node: RedisNode, db: number, pattern: string): Promise<string[]> {
  const c = node.client();
  await c.select(db);
  return (await c.keys(pattern)).sort();
}

describe("a stored task's own keys", () => {
  it("go when the engine finishes the task; another task's stay", async () => {
    const id = await storedTask("finish me", target);
    const s = source.client();
    await s.select(1);
    await s.set(`${OWN}:othertask:{0}`, "1");
    const controller = new AbortController();
    let last: SyncSnapshot | null = null;
    const run = runStoredTask({ taskId: id, dataDir: dir, signal: controller.signal, stopState: "finished", skipPrecheck: true, onStatus: (x) => (last = x) });
    await waitFor(() => last?.state === "synchronizing", 30_000, "synchronizing");
    await s.incr("counter"); // not replay-safe: written under a fence
    await waitFor(async () => (await keysIn(target, 3, `${OWN}:${id}:fence:*`)).length === 1, 10_000, "a fence on the destination");
    await waitFor(async () => (await keysIn(target, 3, `${OWN}:${id}:{*`)).length === 1, 10_000, "the heartbeat on the destination");
    expect(await keysIn(source, 1, `${OWN}:${id}:*`)).toHaveLength(1);

    controller.abort();
    const final = await run;
    expect(final.state).toBe("finished");
    expect(await keysIn(source, 1, `${OWN}:${id}:*`)).toEqual([]);
    expect(await keysIn(target, 3, `${OWN}:${id}:*`)).toEqual([]);
    expect(await keysIn(source, 1, `${OWN}*`)).toEqual([`${OWN}:othertask:{0}`]);
    expect(await keysIn(target, 3, `${OWN}*`)).toEqual([`${OWN}:othertask:{0}`]);
    expect(await keysIn(target, 3, "counter")).toEqual(["counter"]); // the data stays
    const events = await findTaskEvents({ taskId: id });
    expect(events.map((e) => e.message)).toContainEqual(expect.stringMatching(/^removed this task's own keys \(DTS_REDIS_TIMESTAMP_HEARTBEAT:\w+:…\): 2 from the destination, 1 from the source$/));
  });

  it("deleting with a destination that cannot be reached: the source is cleaned, the destination is a warning", async () => {
    const gone = await startRedis();
    const id = await storedTask("delete me", gone);
    const s = source.client();
    await s.select(1);
    await s.set(`${OWN}:${id}:{0}`, "1");
    await gone.stop();
    const r = await removeStoredTaskKeys({ taskId: id, log: () => {} });
    expect(r.source).toBe(1);
    expect(r.target).toBeNull();
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(new RegExp(`^the destination 127\\.0\\.0\\.1:${gone.port} could not be reached to remove this task's own keys \\(.+\\); they expire by themselves`));
    expect(await keysIn(source, 1, `${OWN}:${id}:*`)).toEqual([]);
  });
});
