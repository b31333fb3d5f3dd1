import { describe, expect, it } from "vitest";
import { useTempSqlite } from "../../testing/temp-sqlite";

/** A task pointed at another deployment must not resume from the old deployment's checkpoints. */
useTempSqlite("endpoint");

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
    expect(await saveEndpoint({ ...src, password: "same place, new password" })).toMatchObject({ moved: false });
    expect(await getCheckpoints({ taskId: task.id })).toHaveLength(1);
    expect(await saveEndpoint({ ...src, port: 7001 })).toMatchObject({ moved: true });
    expect(await getCheckpoints({ taskId: task.id })).toHaveLength(0);
  });
});
