import { expect } from "vitest";
import { createTask } from "../db/task/create-task";
import { findTasks } from "../db/task/find-tasks";
import { getTask } from "../db/task/get-task";
import { updateTask } from "../db/task/update-task";
import { setTaskState } from "../db/task/set-task-state";
import { deleteTask } from "../db/task/delete-task";
import { findRegionLabels } from "../db/task/find-region-labels";
import { claimTaskLease } from "../db/task/claim-task-lease";
import { saveEndpoint } from "../db/endpoint/save-endpoint";
import { getEndpoints } from "../db/endpoint/get-endpoints";
import { getEndpointCredentials } from "../db/endpoint/get-endpoint-credentials";
import { saveCheckpoint } from "../db/checkpoint/save-checkpoint";
import { getCheckpoints } from "../db/checkpoint/get-checkpoints";
import { addTaskEvent } from "../db/task-event/add-task-event";
import { findTaskEvents } from "../db/task-event/find-task-events";
import { addMetricSample } from "../db/metric/add-metric-sample";
import { getDb } from "../db/client";
import { findOrCreateTaskByName } from "../db/task/find-or-create-task-by-name";

/**
 * Writes and reads a task through the console's own data functions, against whatever DATABASE_URL
 * points at. Shared by the SQLite and PostgreSQL tests so both providers are held to the same result.
 */
export async function exerciseDataFunctions(): Promise<void> {
  const a = await createTask({ regionLabel: "eu-west" });
  expect(a.name).toMatch(/^redis-sync-\d{8}-[0-9a-f]{6}$/);
  expect(a.state).toBe("not_started");
  const b = await createTask({ name: "orders cache", regionLabel: "us-east" });

  await saveEndpoint({ taskId: b.id, role: "source", host: "10.0.0.5", port: 7000, mode: "cluster", password: "s3cret-pw" });
  await saveEndpoint({ taskId: b.id, role: "destination", host: "10.0.0.9", port: 6380, mode: "standalone", username: "dts", password: "d-pw" });

  const raw = await getDb().endpoint.findMany({ where: { taskId: b.id }, omit: { passwordEncrypted: false } });
  for (const row of raw) {
    expect(row.passwordEncrypted).toMatch(/^v2\./);
    // (a short fragment like "pw" can occur by chance in base64; the whole password cannot)
    expect(row.passwordEncrypted).not.toContain("s3cret-pw");
    expect(row.passwordEncrypted).not.toContain(Buffer.from("s3cret-pw").toString("base64url").slice(0, 8));
  }
  const plain = await getDb().endpoint.findFirst({ where: { taskId: b.id } });
  expect(plain && "passwordEncrypted" in plain).toBe(false);

  const views = await getEndpoints({ taskId: b.id });
  expect(views.source).toMatchObject({ host: "10.0.0.5", port: 7000, mode: "cluster", hasPassword: true });
  expect(JSON.stringify(views)).not.toContain("s3cret");
  expect(await getEndpointCredentials({ taskId: b.id, role: "destination" })).toEqual({
    host: "10.0.0.9",
    port: 6380,
    mode: "standalone",
    username: "dts",
    password: "d-pw",
  });
  // undefined keeps the stored password while the endpoint stays where it was saved for
  expect(await saveEndpoint({ taskId: b.id, role: "source", host: "10.0.0.5", port: 7000, mode: "cluster", regionLabel: "x" })).toEqual({ moved: false, passwordDropped: false });
  expect((await getEndpointCredentials({ taskId: b.id, role: "source" }))?.password).toBe("s3cret-pw");
  // a row pointed elsewhere behind saveEndpoint's back cannot decrypt its secret (bound to host, port, user, mode)
  await getDb().endpoint.update({ where: { taskId_role: { taskId: b.id, role: "destination" } }, data: { host: "10.6.6.6" } });
  await expect(getEndpointCredentials({ taskId: b.id, role: "destination" })).rejects.toThrow(/Destination 10\.6\.6\.6:6380: .*saved for another address/);
  await getDb().endpoint.update({ where: { taskId_role: { taskId: b.id, role: "destination" } }, data: { host: "10.0.0.9", username: "default" } });
  await expect(getEndpointCredentials({ taskId: b.id, role: "destination" })).rejects.toThrow(/saved for another address/);
  await getDb().endpoint.update({ where: { taskId_role: { taskId: b.id, role: "destination" } }, data: { username: "dts" } });
  expect((await getEndpointCredentials({ taskId: b.id, role: "destination" }))?.password).toBe("d-pw");
  // moving without giving the password again drops it; null removes it
  expect(await saveEndpoint({ taskId: b.id, role: "source", host: "10.0.0.6", port: 7000, mode: "cluster" })).toEqual({ moved: true, passwordDropped: true });
  expect((await getEndpointCredentials({ taskId: b.id, role: "source" }))?.password).toBeUndefined();
  await saveEndpoint({ taskId: b.id, role: "source", host: "10.0.0.6", port: 7000, mode: "cluster", password: "again" });
  expect((await getEndpointCredentials({ taskId: b.id, role: "source" }))?.password).toBe("again");
  await saveEndpoint({ taskId: b.id, role: "source", host: "10.0.0.6", port: 7000, mode: "cluster", password: null });
  expect((await getEndpointCredentials({ taskId: b.id, role: "source" }))?.password).toBeUndefined();

  const list = await findTasks();
  expect(list.map((t) => t.id)).toEqual([b.id, a.id]);
  expect(list[0]).toMatchObject({ name: "orders cache", source: { host: "10.0.0.6", port: 7000 }, destination: { host: "10.0.0.9" }, latencyMs: null });
  expect(list[1].source).toBeNull();
  expect((await findTasks({ regionLabel: "eu-west" })).map((t) => t.id)).toEqual([a.id]);
  expect(await findRegionLabels()).toEqual([
    { label: "eu-west", tasks: 1 },
    { label: "us-east", tasks: 1 },
  ]);

  await updateTask({ id: b.id, data: { name: "orders cache v2", selectedDbs: [1, 0, 1], dbMap: { "1": 0 }, conflictMode: "ignore" } });
  const updated = await getTask({ id: b.id });
  expect(updated).toMatchObject({ name: "orders cache v2", selectedDbs: "[0,1]", dbMap: '{"1":0}', conflictMode: "ignore" });
  expect(await updateTask({ id: "missing", data: { name: "x" } })).toBeNull();

  // compare-and-set: pausing a task that is not running changes nothing
  expect(await setTaskState({ id: b.id, move: "pause", state: "paused" })).toBeNull();
  // a move leads only to its own states: pausing cannot finish a task
  await expect(setTaskState({ id: b.id, move: "pause", state: "finished" })).rejects.toThrow(/cannot move to finished/);
  const started = await setTaskState({ id: b.id, move: "start", state: "initializing" });
  expect(started?.state).toBe("initializing");
  expect(started?.startedAt).toBeInstanceOf(Date);
  expect((await setTaskState({ id: b.id, move: "pause", state: "paused" }))?.state).toBe("paused");

  // offsets beyond 2^53 survive exactly
  const big = 2n ** 60n + 7n;
  await saveCheckpoint({ taskId: b.id, sourceNode: "10.0.0.5:7000", replid: "a".repeat(40), offset: 100n, phase: "full" });
  await saveCheckpoint({ taskId: b.id, sourceNode: "10.0.0.5:7000", replid: "b".repeat(40), offset: big, phase: "incremental" });
  const cps = await getCheckpoints({ taskId: b.id });
  expect(cps).toHaveLength(1);
  expect(cps[0]).toMatchObject({ replid: "b".repeat(40), offset: big, phase: "incremental" });

  await addTaskEvent({ taskId: b.id, level: "warn", message: "cannot reach redis://dts:hunter2@10.0.0.5:7000" });
  await addTaskEvent({ taskId: b.id, level: "info", message: "started" });
  const events = await findTaskEvents({ taskId: b.id });
  expect(events.map((e) => e.message)).toEqual(["started", "cannot reach redis://dts:***@10.0.0.5:7000"]);
  expect((await findTaskEvents({ taskId: b.id, levels: ["warn"] })).length).toBe(1);

  await addMetricSample({ taskId: b.id, opsPerSec: 1200, latencyMs: 35, keys: 10, bytes: 2048, lagBytes: 0 });
  expect((await findTasks({ regionLabel: "us-east" }))[0].latencyMs).toBe(35);

  expect(await claimTaskLease({ id: b.id, owner: "p1", ttlMs: 60_000 })).toBe(true);
  expect(await claimTaskLease({ id: b.id, owner: "p2", ttlMs: 60_000 })).toBe(false);
  expect(await claimTaskLease({ id: b.id, owner: "p1", ttlMs: 60_000 })).toBe(true);

  // many callers on one new name at once (sync processes starting together) get one task
  const raced = await Promise.all(Array.from({ length: 8 }, () => findOrCreateTaskByName({ name: "raced" })));
  expect(new Set(raced.map((t) => t.id)).size).toBe(1);
  expect(await getDb().task.count({ where: { name: "raced" } })).toBe(1);
  await deleteTask({ id: raced[0].id });

  expect(await deleteTask({ id: b.id })).toBe(true);
  expect(await deleteTask({ id: b.id })).toBe(false);
  expect(await getDb().checkpoint.count({ where: { taskId: b.id } })).toBe(0);
  expect(await getDb().taskEvent.count({ where: { taskId: b.id } })).toBe(0);
  expect(await getDb().endpoint.count({ where: { taskId: b.id } })).toBe(0);
  expect((await findTasks()).map((t) => t.id)).toEqual([a.id]);
}
