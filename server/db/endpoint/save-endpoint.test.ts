import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** A task pointed at another deployment must not resume from the old deployment's checkpoints. */
const dir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-endpoint-"));
beforeAll(() => {
  process.env.DATABASE_URL = `file:${path.join(dir, "t.db")}`;
  process.env.REDIS_DTS_DATA_DIR = dir;
});
afterAll(async () => {
  const { closeDb } = await import("../client");
  await closeDb();
  rmSync(dir, { recursive: true, force: true });
});

describe("saveEndpoint", () => {
  it("keeps checkpoints when the endpoint is saved unchanged, drops them when it moves", async () => {
    const { createTask } = await import("../task/create-task");
    const { saveEndpoint } = await import("./save-endpoint");
    const { saveCheckpoint } = await import("../checkpoint/save-checkpoint");
    const { getCheckpoints } = await import("../checkpoint/get-checkpoints");
    const task = await createTask({ name: "moves" });
    const src = { taskId: task.id, role: "source" as const, host: "10.0.0.1", port: 7000, mode: "cluster" as const };
    await saveEndpoint(src);
    await saveCheckpoint({ taskId: task.id, sourceNode: "10.0.0.1:7000", replid: "r".repeat(40), offset: 100n, phase: "incremental" });
    expect(await saveEndpoint({ ...src, password: "same place, new password" })).toEqual({ moved: false });
    expect(await getCheckpoints({ taskId: task.id })).toHaveLength(1);
    expect(await saveEndpoint({ ...src, port: 7001 })).toEqual({ moved: true });
    expect(await getCheckpoints({ taskId: task.id })).toHaveLength(0);
  });
});
