import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "../db/client";
import { createTask } from "../db/task/create-task";
import { updateTask } from "../db/task/update-task";
import { setTaskState } from "../db/task/set-task-state";
import { saveEndpoint } from "../db/endpoint/save-endpoint";
import { engineStatus, startEngine, stopEngine } from "./engine-host";
import { startRedis, stopAll, waitFor, type RedisNode } from "../testing/redis-harness";

/**
 * Finding 5 of issue 13, console side: the engine processes the console starts (`run-task --id`)
 * read their secrets from the database, never from their command line.
 */
let dir: string;
let source: RedisNode;
let target: RedisNode;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-engine-argv-"));
  process.env.DATABASE_URL = `file:${path.join(dir, "argv.db")}`;
  process.env.REDIS_DTS_DATA_DIR = dir;
  process.env.REDIS_DTS_SECRET = "engine-argv-test-secret-0123456789";
  [source, target] = await Promise.all([startRedis({ password: "argv-src-secret" }), startRedis({ password: "argv-dst-secret" })]);
});

afterAll(async () => {
  await stopAll();
  await closeDb();
  rmSync(dir, { recursive: true, force: true });
});

/** Command lines of every process whose argv mentions `needle`, as `ps` shows them. */
function commandLinesWith(needle: string): string[] {
  return readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e) && existsSync(`/proc/${e}/cmdline`))
    .map((e) => {
      try {
        return readFileSync(`/proc/${e}/cmdline`, "utf8").replace(/\0/g, " ");
      } catch {
        return "";
      }
    })
    .filter((line) => line.includes(needle));
}

describe("engine processes", () => {
  it("run a task with stored passwords that appear in no command line", async () => {
    const task = await createTask({ name: "argv" });
    await saveEndpoint({ taskId: task.id, role: "source", host: source.host, port: source.port, mode: "standalone", password: "argv-src-secret" });
    await saveEndpoint({ taskId: task.id, role: "destination", host: target.host, port: target.port, mode: "standalone", password: "argv-dst-secret" });
    await updateTask({ id: task.id, data: { selectedDbs: [0], dbMap: { "0": 0 }, wizardStep: 5 } });
    await setTaskState({ id: task.id, move: "start", state: "initializing" });
    startEngine(task.id, { skipPrecheck: true });
    try {
      await waitFor(() => engineStatus(task.id)?.state === "synchronizing", 60_000, "the engine synchronizing");
      const lines = commandLinesWith(task.id);
      expect(lines.some((l) => l.includes("run-task"))).toBe(true);
      for (const line of lines) {
        expect(line).not.toContain("argv-src-secret");
        expect(line).not.toContain("argv-dst-secret");
      }
    } finally {
      await stopEngine(task.id, "finished");
    }
  });
});
