import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";

/**
 * A test file's own SQLite database in a temp folder: DATABASE_URL and the data folder point there
 * before any test runs; the client is closed and the folder removed afterwards. Modules that reach
 * the database are imported inside the tests (after beforeAll), as the client reads the URL once.
 */
export function useTempSqlite(prefix: string): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), `redis-dts-${prefix}-`));
  beforeAll(() => {
    process.env.DATABASE_URL = `file:${path.join(dir, "t.db")}`;
    process.env.REDIS_DTS_DATA_DIR = dir;
  });
  afterAll(async () => {
    const { closeDb } = await import("../db/client");
    await closeDb();
    rmSync(dir, { recursive: true, force: true });
  });
}
