import { describe, expect, it } from "vitest";
import { useTempSqlite } from "../../testing/temp-sqlite";

/** The precheck's "another task writes there" warning reads these: running tasks only, never the asker. */
useTempSqlite("running-targets");

describe("findRunningTaskTargets", () => {
  it("gives the destinations of the other running tasks", async () => {
    const { createTask } = await import("./create-task");
    const { setTaskState } = await import("./set-task-state");
    const { saveEndpoint } = await import("../endpoint/save-endpoint");
    const { findRunningTaskTargets } = await import("./find-running-task-targets");
    const made = async (name: string, state: "initializing" | "synchronizing" | "paused" | null, port: number | null) => {
      const task = await createTask({ name });
      if (port !== null) {
        await saveEndpoint({ taskId: task.id, role: "source", host: "10.0.0.1", port: port + 1000, mode: "standalone" });
        await saveEndpoint({ taskId: task.id, role: "destination", host: "10.0.0.2", port, mode: "standalone" });
      }
      if (state) await setTaskState({ id: task.id, move: "engine-start", state: state === "paused" ? "initializing" : state });
      if (state === "paused") await setTaskState({ id: task.id, move: "engine-end", state: "paused" });
      return task;
    };
    const me = await made("me", "initializing", 7000);
    await made("copying", "initializing", 7001);
    await made("following", "synchronizing", 7002);
    await made("paused", "paused", 7003);
    await made("never-started", null, 7004);
    await made("no-destination-yet", "synchronizing", null);
    const targets = await findRunningTaskTargets({ exceptTaskId: me.id });
    expect(targets.sort((a, b) => a.port - b.port)).toEqual([
      { taskName: "copying", host: "10.0.0.2", port: 7001 },
      { taskName: "following", host: "10.0.0.2", port: 7002 },
    ]);
  });
});
