import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "@/server/db/client";
import { createTask } from "@/server/db/task/create-task";
import { updateTask } from "@/server/db/task/update-task";
import { setTaskState } from "@/server/db/task/set-task-state";
import { saveEndpoint } from "@/server/db/endpoint/save-endpoint";
import { addDivergentKeys } from "@/server/db/divergence/add-divergent-keys";
import { deleteTask } from "@/server/db/task/delete-task";
import { startEngine, stopEngine } from "@/server/runner/engine-host";
import { startRedis, stopAll, waitFor, type RedisNode } from "@/server/testing/redis-harness";
import { storeTask } from "@/server/testing/stored-task";
import { taskStatusView } from "./status-view";
import type { TaskStatusView } from "@/contracts/task-status-view.types";

/**
 * The status page's data (also GET /api/tasks/:id/status): refused and inexact writes are in it,
 * zero included, from the recorded keys when no engine runs and from the engine while it runs.
 */

let dir: string;
let source: RedisNode;
let target: RedisNode;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-status-view-"));
  process.env.DATABASE_URL = `file:${path.join(dir, "status.db")}`;
  process.env.REDIS_DTS_DATA_DIR = dir;
  process.env.REDIS_DTS_SECRET = "status-view-test-secret-0123456789";
  [source, target] = await Promise.all([startRedis(), startRedis()]);
});

afterAll(async () => {
  await stopAll();
  await closeDb();
  rmSync(dir, { recursive: true, force: true });
});

async function storedTask(name: string, onInexact?: "pause" | "skip" | "fail") {
  return storeTask({ name, source, target, data: { selectedDbs: [0], dbMap: { "0": 0 }, wizardStep: 5, ...(onInexact && { options: { onInexact } }) } });
}

/** What the API sends: the view through JSON. */
async function view(taskId: string): Promise<TaskStatusView> {
  const v = await taskStatusView(taskId);
  expect(v).not.toBeNull();
  return JSON.parse(JSON.stringify(v));
}

describe("taskStatusView: reuse while polled", () => {
  it("serves a view again while fresh, rebuilds it in the background after 500 ms, waits for a new one after 2 s, and shows a change of the task at once", async () => {
    const shard = `${source.host}:${source.port}`;
    // a loaded machine can take 500 ms between two steps, which is another case than this one: then
    // the scenario starts again with a new task (at most 3 times)
    let id = "";
    let first: Awaited<ReturnType<typeof taskStatusView>> = null;
    for (let attempt = 1; ; attempt++) {
      id = await storedTask(`polled ${attempt}`);
      first = await taskStatusView(id);
      const builtAt = Date.now();
      await addDivergentKeys({ taskId: id, kind: "refused", shard, db: 0, command: "SET", keys: [Buffer.from("k")], reason: "OOM", phase: "incremental", time: new Date() });
      // the engine's records do not touch the task row: within 500 ms the view is reused
      const again = await taskStatusView(id);
      if (Date.now() - builtAt >= 400 && attempt < 3) continue;
      expect(again).toBe(first);
      break;
    }
    await new Promise((r) => setTimeout(r, 600));
    // older than 500 ms: this request gets the last view, and starts its rebuild
    expect(await taskStatusView(id)).toBe(first);
    await waitFor(async () => (await taskStatusView(id)) !== first, 2000, "the rebuilt view");
    expect((await taskStatusView(id))!.divergence.recorded.refused).toBe(1);
    await addDivergentKeys({ taskId: id, kind: "inexact", shard, db: 0, command: "MOVE", keys: [Buffer.from("m")], reason: "unknown", phase: "incremental", time: new Date() });
    // older than 2 s: the request waits for a view built for it
    await new Promise((r) => setTimeout(r, 2100));
    expect((await taskStatusView(id))!.divergence.recorded.inexact).toBe(1);
    // a state change (an operator's action, the engine's progress) is seen on the next request
    await setTaskState({ id, move: "engine-end", state: "paused" });
    expect((await taskStatusView(id))!.state).toBe("paused");
  });
});

/**
 * The SQL statements prepared while `fn` runs (the SQLite adapter prepares every query it runs).
 * Patched before the client connects: it binds `prepare` when it does (server/db/client.ts).
 */
let recording: string[] | null = null;
const prepare = Database.prototype.prepare;
Database.prototype.prepare = function (this: Database.Database, sql: string) {
  recording?.push(sql);
  return prepare.call(this, sql);
} as typeof prepare;

async function statementsOf(fn: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = (recording = []);
  try {
    await fn();
  } finally {
    recording = null;
  }
  return seen;
}

describe("taskStatusView: what a polled request reads", () => {
  it("reads only the task row's stamp while its view is reused, and answers null once the task is deleted", async () => {
    const id = await storedTask("stamp only");
    const first = await taskStatusView(id);
    let again: unknown;
    const read = await statementsOf(async () => (again = await taskStatusView(id)));
    expect(again).toBe(first);
    // the status page polls every second (the benchmark ten times a second) during a full sync
    expect(read).toHaveLength(1);
    expect(read[0]).toMatch(/`Task`/);
    expect(read[0]).not.toMatch(/Endpoint/);
    await deleteTask({ id });
    expect(await taskStatusView(id)).toBeNull();
  });
});

describe("taskStatusView: refused and inexact writes", () => {
  it("shows zero for a task without divergences, and the policy (pause by default)", async () => {
    const id = await storedTask("no divergence");
    const v = await view(id);
    expect(v.divergence).toEqual({ policy: "pause", from: "records", refused: 0, inexact: 0, recorded: { refused: 0, inexact: 0 }, keys: [], pausedBy: null });
  });

  it("counts the recorded keys, lists the newest first with their command, database, reason and shard, and says why the policy paused the task", async () => {
    const id = await storedTask("recorded divergences", "skip");
    const shard = `${source.host}:${source.port}`;
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
    await addDivergentKeys({ taskId: id, kind: "refused", shard, db: 0, command: "MSET", keys: [Buffer.from("a"), Buffer.from([0x62, 0x00, 0xff])], reason: "OOM command not allowed", phase: "incremental", time: at(1) });
    await addDivergentKeys({ taskId: id, kind: "inexact", shard, db: 3, command: "MOVE", keys: [Buffer.from("m")], reason: "its value is unknown here", phase: "incremental", time: at(2) });
    await addDivergentKeys({ taskId: id, kind: "refused", shard, db: null, command: "FUNCTION", keys: [], reason: "ERR Library already exists", phase: "incremental", time: at(3) });
    const reason = "paused at a refused or inexact write: the destination refused INCR x (db 0): WRONGTYPE Operation against a key holding the wrong kind of value";
    await setTaskState({ id, move: "engine-end", state: "paused", error: { code: "DIVERGENCE", message: reason } });

    const v = await view(id);
    expect(v.state).toBe("paused");
    expect(v.divergence).toMatchObject({ policy: "skip", from: "records", refused: 3, inexact: 1, recorded: { refused: 3, inexact: 1 }, pausedBy: reason });
    expect(v.divergence.keys.map((k) => [k.kind, k.command, k.key, k.db, k.reason, k.shard])).toEqual([
      ["refused", "FUNCTION", null, null, "ERR Library already exists", shard],
      ["inexact", "MOVE", "m", 3, "its value is unknown here", shard],
      ["refused", "MSET", '"b\\x00\\xff"', 0, "OOM command not allowed", shard],
      ["refused", "MSET", "a", 0, "OOM command not allowed", shard],
    ]);
    expect(v.divergence.keys[0].time).toBe(at(3).toISOString());

    // a pause for another reason (the operator's) is no pause by the policy
    await setTaskState({ id, move: "engine-end", state: "paused" });
    expect((await view(id)).divergence.pausedBy).toBeNull();
  });

  it("takes the figures from the running engine, then from the records once it stops", async () => {
    const id = await storedTask("live divergences", "skip");
    const s = source.client();
    const t = target.client();
    await s.set("seed", "1");
    await setTaskState({ id, move: "engine-start", state: "initializing" });
    startEngine(id, { skipPrecheck: true });
    try {
      await waitFor(async () => (await view(id)).engine.live?.state === "synchronizing", 60_000, "the engine synchronizing");
      const running = await view(id);
      expect(running.engine.live?.divergence).toMatchObject({ policy: "skip", refused: 0, inexact: 0 });
      expect(running.divergence).toMatchObject({ from: "engine", refused: 0, inexact: 0 });
      // the overview's figures are the engine's line, all of them (task-figures.ts)
      expect(running.figures).toMatchObject({ from: "engine", state: running.engine.live!.state, fullSync: { ...running.engine.live!.fullSync } });
      expect(running.figures.shards.map((s) => s.source)).toEqual(running.engine.live!.shards.map((s) => s.source));

      // the destination refuses INCR on a list: skipped, counted by the engine, its key recorded
      await t.rpush("x", "a");
      await s.incr("x");
      await waitFor(async () => {
        const v = await view(id);
        return v.divergence.refused === 1 && v.divergence.keys.length === 1;
      }, 30_000, "the refused write in the status");
      const v = await view(id);
      expect(v.state).toBe("synchronizing");
      expect(v.divergence).toMatchObject({ from: "engine", refused: 1, inexact: 0, recorded: { refused: 1, inexact: 0 }, pausedBy: null });
      expect(v.divergence.keys[0]).toMatchObject({ kind: "refused", command: "INCR", key: "x", db: 0, shard: `${source.host}:${source.port}` });
      expect(v.divergence.keys[0].reason).toMatch(/^WRONGTYPE/);
      expect(v.engine.live?.divergence.shards).toEqual([{ source: `${source.host}:${source.port}`, refused: 1, inexact: 0 }]);
      // the task goes on under "skip"
      await s.set("after", "yes");
      await waitFor(async () => (await t.get("after")) === "yes", 15_000, "a write after the refused one");
    } finally {
      await stopEngine(id, "finished");
    }
    const stopped = await view(id);
    expect(stopped.engine.running).toBe(false);
    expect(stopped.divergence).toMatchObject({ from: "records", refused: 1, inexact: 0 });
    expect(stopped.figures.from).toBe("records");
    expect(stopped.figures.shards.map((s) => s.source)).toEqual(stopped.checkpoints.map((c) => c.sourceNode));
  });
});

describe("taskStatusView: the scan reader (issue 17)", () => {
  it("a psync task has no label; one the operator consented to (auto) that meets a source refusing PSYNC is labelled while it runs and after", async () => {
    const plain = await view(await storedTask("replicated"));
    expect(plain.sourceReader).toEqual({ configured: "psync", inUse: null, label: null });

    const refusing = await startRedis({ config: { "rename-command": ['SYNC ""', 'PSYNC ""'] } });
    await refusing.client().set("k", "v");
    const task = await createTask({ name: "scan reader" });
    await saveEndpoint({ taskId: task.id, role: "source", host: refusing.host, port: refusing.port, mode: "standalone" });
    await saveEndpoint({ taskId: task.id, role: "destination", host: target.host, port: target.port, mode: "standalone" });
    await updateTask({ id: task.id, data: { selectedDbs: [0], dbMap: { "0": 0 }, wizardStep: 5, conflictMode: "ignore", sourceReader: "auto" } });
    const before = await view(task.id);
    expect(before.sourceReader).toEqual({ configured: "auto", inUse: null, label: null });
    // the precheck runs: PSYNC refused is a warning there, and the engine chooses the scan reader
    startEngine(task.id);
    try {
      await waitFor(async () => (await view(task.id)).engine.live?.state === "synchronizing", 60_000, "the engine synchronizing");
      const running = await view(task.id);
      expect(running.sourceReader).toEqual({ configured: "auto", inUse: "scan", label: "best effort: verify before switching" });
      expect(await target.client().get("k")).toBe("v");
    } finally {
      await stopEngine(task.id, "finished");
    }
    const stopped = await view(task.id);
    expect(stopped.engine.running).toBe(false);
    // known from the scan reader's checkpoint rows once the engine is gone
    expect(stopped.sourceReader).toEqual({ configured: "auto", inUse: "scan", label: "best effort: verify before switching" });
  });
});
