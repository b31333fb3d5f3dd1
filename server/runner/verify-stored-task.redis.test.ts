import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "../db/client";
import { saveEndpoint } from "../db/endpoint/save-endpoint";
import { createVerificationRun } from "../db/verification/create-verification-run";
import { addDivergentKeys } from "../db/divergence/add-divergent-keys";
import { findVerificationRuns } from "../db/verification/find-verification-runs";
import { startRedis, stopAll, type RedisNode } from "../testing/redis-harness";
import { storeTask } from "../testing/stored-task";
import { verifyStoredTask } from "./verify-stored-task";

let dir: string;
let source: RedisNode;
let target: RedisNode;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-verify-"));
  process.env.DATABASE_URL = `file:${path.join(dir, "verify.db")}`;
  process.env.REDIS_DTS_DATA_DIR = dir;
  process.env.REDIS_DTS_SECRET = "verify-test-secret-0123456789abcdef";
  [source, target] = await Promise.all([startRedis({ password: "src-pw" }), startRedis({ aclUsers: { dts: "on >dst-pw ~* &* +@all" } })]);
});

afterAll(async () => {
  await stopAll();
  await closeDb();
  rmSync(dir, { recursive: true, force: true });
});

function storedTask(): Promise<string> {
  return storeTask({
    name: "verify test",
    source: { host: source.host, port: source.port, password: "src-pw" },
    target: { host: target.host, port: target.port, username: "dts", password: "dst-pw" },
    data: { selectedDbs: [0, 2], dbMap: { "0": 0, "2": 5 } },
  });
}

describe("verifyStoredTask", () => {
  it("compares a stored task's databases with its mapping and records the differing keys in the run", async () => {
    const taskId = await storedTask();
    const s = source.client();
    const t = target.client();
    await s.mset("same", "1", "changed", "a", "only-source", "x");
    await t.mset("same", "1", "changed", "b");
    await s.select(2);
    await s.set("mapped", "m");
    await t.select(5);
    await t.set("mapped", "m");
    // db1 is not selected: its differences are not reported
    await s.select(1);
    await s.set("ignored", "i");

    const run = await createVerificationRun({ taskId, mode: "full" });
    const result = await verifyStoredTask({ taskId, runId: run.id, mode: "full", rounds: 2 });
    expect(result).toMatchObject({ equal: false, keys: 4, missing: 1, different: 1, extra: 0 });

    const [row] = await findVerificationRuns({ taskId });
    expect(row).toMatchObject({ id: run.id, status: "different", error: null });
    expect(row.finishedAt).not.toBeNull();
    const summary = JSON.parse(row.summary);
    expect(summary).toMatchObject({ mode: "full", rounds: 2, keys: 4, missing: 1, different: 1, extra: 0 });
    expect(summary.progress.phase).toBe("done");
    const diffs = JSON.parse(row.differences) as { key: string; kind: string }[];
    expect(diffs.map((d) => `${d.key}:${d.kind}`).sort()).toEqual(["changed:value", "only-source:missing"]);
    // Nothing secret lands in the row.
    expect(JSON.stringify(row)).not.toMatch(/src-pw|dst-pw/);

    // Once the destination has caught up, the next run is equal; the first run is kept.
    await t.select(0);
    await t.mset("changed", "a", "only-source", "x");
    const again = await createVerificationRun({ taskId, mode: "quick" });
    expect((await verifyStoredTask({ taskId, runId: again.id, mode: "quick" }))?.equal).toBe(true);
    const runs = await findVerificationRuns({ taskId });
    expect(runs.map((r) => r.status)).toEqual(["equal", "different"]);
  });

  it("checks the task's recorded divergent keys first and reports them as their own part of the run", async () => {
    const taskId = await storedTask();
    const s = source.client();
    const t = target.client();
    await s.flushall();
    await t.flushall();
    // refused on the destination: a list where the source has a counter; later repaired by hand
    await s.set("ctr", "5");
    await t.rpush("ctr", "a");
    await s.set("fixed", "1");
    await t.set("fixed", "1");
    // a db2 key (mapped to db5) whose write was skipped: still missing
    await s.select(2);
    await s.hset("h", "f", "v");
    const shard = `${source.host}:${source.port}`;
    const base = { taskId, shard, reason: "WRONGTYPE Operation against a key holding the wrong kind of value", phase: "incremental" as const };
    await addDivergentKeys({ ...base, kind: "refused", db: 0, command: "INCR", keys: [Buffer.from("ctr")] });
    await addDivergentKeys({ ...base, kind: "refused", db: 0, command: "SET", keys: [Buffer.from("fixed")] });
    await addDivergentKeys({ ...base, kind: "inexact", db: 2, command: "HSET", keys: [Buffer.from("h")], reason: "skipped by the policy" });
    await addDivergentKeys({ ...base, kind: "refused", db: 0, command: "INCR", keys: [Buffer.from("ctr")] }); // the same key again

    const run = await createVerificationRun({ taskId, mode: "full" });
    const result = await verifyStoredTask({ taskId, runId: run.id, mode: "full", rounds: 2 });
    expect(result?.recorded).toMatchObject({ checked: 3, stillDifferent: 2, nowEqual: 1, notCompared: 0 });
    // the normal scan runs after it and finds the same two differences on its own
    expect(result).toMatchObject({ equal: false, keys: 3, missing: 1, different: 1, extra: 0 });

    const [row] = await findVerificationRuns({ taskId });
    const summary = JSON.parse(row.summary);
    expect(summary.recorded).toMatchObject({ checked: 3, stillDifferent: 2, nowEqual: 1 });
    expect(summary.recorded.samples.map((d: { key: string; kind: string; db: number; targetDb: number }) => `${d.key}:${d.kind}:db${d.db}->db${d.targetDb}`).sort()).toEqual([
      "ctr:type:db0->db0",
      "h:missing:db2->db5",
    ]);

    // repaired: every recorded key is equal now, and a task without records reports zero checked
    await t.del("ctr");
    await t.set("ctr", "5");
    await t.select(5);
    await t.hset("h", "f", "v");
    const again = await createVerificationRun({ taskId, mode: "full" });
    expect((await verifyStoredTask({ taskId, runId: again.id, mode: "full", rounds: 2 }))?.recorded).toMatchObject({ checked: 3, stillDifferent: 0, nowEqual: 3 });
    const clean = await storedTask();
    const none = await createVerificationRun({ taskId: clean, mode: "quick" });
    expect((await verifyStoredTask({ taskId: clean, runId: none.id, mode: "quick" }))?.recorded).toMatchObject({ checked: 0, stillDifferent: 0, nowEqual: 0 });
  });

  it("records a failure with one sentence and no password when a side cannot be reached", async () => {
    const taskId = await storedTask();
    await saveEndpoint({ taskId, role: "destination", host: target.host, port: target.port, mode: "standalone", username: "dts", password: "wrong-pw" });
    const run = await createVerificationRun({ taskId, mode: "full" });
    expect(await verifyStoredTask({ taskId, runId: run.id, mode: "full" })).toBeNull();
    const [row] = await findVerificationRuns({ taskId });
    expect(row.status).toBe("failed");
    expect(row.error).toMatch(/password|auth/i);
    expect(row.error).not.toContain("wrong-pw");
  });

  it("stops when cancelled and says so", async () => {
    const taskId = await storedTask();
    const run = await createVerificationRun({ taskId, mode: "full" });
    const controller = new AbortController();
    controller.abort();
    expect(await verifyStoredTask({ taskId, runId: run.id, mode: "full", signal: controller.signal })).toBeNull();
    const [row] = await findVerificationRuns({ taskId });
    expect(row).toMatchObject({ status: "failed", error: "Cancelled by the operator." });
  });
});
