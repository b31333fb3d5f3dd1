import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempPgDatabase, stopOwnPg, type TempPgDatabase } from "../../testing/pg-harness";
import { closeDb } from "../client";
import { createTask } from "../task/create-task";
import { setTaskState } from "../task/set-task-state";
import { getCheckpoints } from "../checkpoint/get-checkpoints";
import { layOutShards } from "./lay-out-shards";
import { claimShardLease } from "./claim-shard-lease";
import { renewShardLeases } from "./renew-shard-leases";
import { releaseShardLease } from "./release-shard-lease";
import { findShardLeases } from "./find-shard-leases";
import { saveCheckpointUnderLease } from "./save-checkpoint-under-lease";
import { saveShardStatus } from "./save-shard-status";
import { saveWorker } from "../worker/save-worker";
import { findWorkers } from "../worker/find-workers";

const shards = [
  { shard: "slot:0", source: "10.0.0.1:7000" },
  { shard: "slot:5461", source: "10.0.0.2:7000" },
  { shard: "slot:10923", source: "10.0.0.3:7000" },
];

// The shard leases of `redis-dts worker` on a throwaway PostgreSQL database (no Redis needed).
describe("shard leases (PostgreSQL)", () => {
  let temp: TempPgDatabase;
  let dir: string;
  let taskId: string;
  beforeAll(async () => {
    temp = await createTempPgDatabase();
    dir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-leases-"));
    process.env.DATABASE_URL = temp.url;
    process.env.REDIS_DTS_DATA_DIR = dir;
    taskId = (await createTask({ name: "leases" })).id;
  });
  afterAll(async () => {
    await closeDb();
    await temp?.drop();
    await stopOwnPg();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("lays out shards once, hands each to one worker, and only to running tasks", async () => {
    await Promise.all([layOutShards({ taskId, shards }), layOutShards({ taskId, shards })]);
    expect((await findShardLeases({ taskId })).map((r) => [r.shard, r.position, r.worker])).toEqual([["slot:0", 0, null], ["slot:5461", 1, null], ["slot:10923", 2, null]]);
    // not started: nothing to claim
    expect(await claimShardLease({ workerId: "w1", worker: "one", ttlMs: 10_000 })).toBeNull();
    await setTaskState({ id: taskId, move: "engine-start", state: "initializing" });
    // claims at once never get the same row (SKIP LOCKED), and stop when none is free
    const claims = await Promise.all(["w1", "w2", "w3", "w4"].map((w) => claimShardLease({ workerId: w, worker: w.replace("w", "worker-"), ttlMs: 10_000 })));
    const got = claims.filter((c) => c !== null);
    expect(got).toHaveLength(3);
    expect(new Set(got.map((c) => c!.shard)).size).toBe(3);
    const rows = await findShardLeases({ taskId });
    expect(rows.every((r) => r.worker !== null && !r.expired && r.since !== null)).toBe(true);
    // a renewal says which shards are still the worker's and the task's state
    const holderOf0 = rows.find((r) => r.shard === "slot:0")!.workerId!;
    expect(await renewShardLeases({ workerId: holderOf0, ttlMs: 10_000 })).toEqual([{ id: rows[0].id, taskState: "initializing" }]);
    for (const r of rows) expect(await releaseShardLease({ id: r.id, workerId: r.workerId! })).toBe(true);
    expect((await findShardLeases({ taskId })).every((r) => r.worker === null)).toBe(true);
  });

  it("a lease that ran out goes to another worker; the old holder can neither renew it nor save its checkpoint", async () => {
    const first = (await claimShardLease({ workerId: "old", worker: "old-worker", ttlMs: 300 }))!;
    expect(first.shard).toBe("slot:0");
    const cp = { taskId, sourceNode: first.source, replid: "a".repeat(40), offset: 100n, phase: "incremental" as const };
    await saveCheckpointUnderLease({ id: first.id, workerId: "old" }, cp);
    await saveShardStatus({ id: first.id, workerId: "old", source: first.source, status: { source: first.source, replid: null, offset: 1, appliedOffset: 1, phase: "incremental", fullSync: { keys: 0, bytes: 0, totalBytes: null, done: true }, latencyMs: 12, commands: 3, opsPerSec: 1, refused: 0, inexact: 0, warnings: [] } });
    expect((await findShardLeases({ taskId }))[0].status?.latencyMs).toBe(12);
    await new Promise((r) => setTimeout(r, 500));
    expect((await findShardLeases({ taskId }))[0].expired).toBe(true);
    expect(await renewShardLeases({ workerId: "old", ttlMs: 10_000 })).toEqual([]);
    // never-held and given-back shards come first (expiresAt NULLS FIRST), then the run-out ones
    let taken = null;
    for (let i = 0; i < 3 && taken?.shard !== "slot:0"; i++) taken = await claimShardLease({ workerId: "new", worker: "new-worker", ttlMs: 10_000 });
    expect(taken).toMatchObject({ shard: "slot:0", previous: "old-worker" });
    await expect(saveCheckpointUnderLease({ id: first.id, workerId: "old" }, { ...cp, offset: 50n })).rejects.toMatchObject({ code: "LEASE_LOST" });
    await saveCheckpointUnderLease({ id: first.id, workerId: "new" }, { ...cp, offset: 200n });
    expect(Number((await getCheckpoints({ taskId }))[0].offset)).toBe(200);
    // the old holder's status write is ignored too
    expect(await releaseShardLease({ id: first.id, workerId: "old" })).toBe(false);
  });

  it("counts live workers and the shards each holds", async () => {
    await saveWorker({ id: "new", name: "new-worker", host: "h", pid: 1, maxShards: 4, rssBytes: 1e8 });
    await saveWorker({ id: "new", name: "new-worker", host: "h", pid: 1, maxShards: 4, rssBytes: 2e8 });
    const workers = await findWorkers({});
    expect(workers).toHaveLength(1);
    expect(workers[0]).toMatchObject({ name: "new-worker", rssBytes: 2e8, shards: 3 });
  });
});
