import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "./client";
import { createTask } from "./task/create-task";
import { isBusy } from "./busy-retry";

/**
 * Another process holding SQLite's write lock longer than the busy timeout (a console, ten engines
 * and a CLI on one file): the statement that got SQLITE_BUSY is run again, and succeeds once the lock
 * is free, instead of failing the caller with "database is locked".
 */
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-busy-"));
  process.env.DATABASE_URL = `file:${path.join(dir, "busy.db")}`;
  process.env.REDIS_DTS_DATA_DIR = dir;
  // a short wait per statement, so the lock below outlasts it
  process.env.REDIS_DTS_SQLITE_BUSY_TIMEOUT_MS = "100";
});
afterAll(async () => {
  await closeDb();
  delete process.env.REDIS_DTS_SQLITE_BUSY_TIMEOUT_MS;
  rmSync(dir, { recursive: true, force: true });
});

describe("SQLite writes under another process's lock", () => {
  it("wait for the lock past the busy timeout instead of failing", async () => {
    await createTask({ name: "before" });
    const other = new Database(path.join(dir, "busy.db"));
    other.pragma("busy_timeout = 100");
    other.exec("BEGIN IMMEDIATE");
    other.prepare(`UPDATE "Task" SET "name" = "name" WHERE "name" = 'before'`).run();
    const released = new Promise<void>((resolve) =>
      setTimeout(() => {
        other.exec("COMMIT");
        other.close();
        resolve();
      }, 1500),
    );
    const began = Date.now();
    const task = await createTask({ name: "during the lock" });
    await released;
    expect(task.name).toBe("during the lock");
    // it waited for the lock (1.5 s), far past one statement's busy timeout (0.1 s)
    expect(Date.now() - began).toBeGreaterThan(1000);
    expect(await getDb().task.count()).toBe(2);
  });

  it("recognizes the lock errors by code and by the driver's text, and nothing else", () => {
    expect(isBusy(Object.assign(new Error("x"), { code: "SQLITE_BUSY" }))).toBe(true);
    expect(isBusy(new Error("SqliteError: database is locked"))).toBe(true);
    expect(isBusy(new Error("Unique constraint failed on the fields: (`name`)"))).toBe(false);
  });
});
