import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase } from "./migrate";
import { readMigrations } from "./migrations";
import { databaseConfig } from "./url";
import { closeDb } from "./client";
import { exerciseDataFunctions } from "../testing/db-roundtrip";
// @ts-expect-error -- a plain ESM development script without type declarations
import { diffDatabaseToSchema, isEmptyScript } from "../../scripts/db-engine.mjs";
// @ts-expect-error -- same
import { readSchemas } from "../../scripts/db-schemas.mjs";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-sqlite-"));
  process.env.DATABASE_URL = `file:${path.join(dir, "nested/console.db")}`;
  process.env.REDIS_DTS_DATA_DIR = dir;
  delete process.env.REDIS_DTS_SECRET;
});
afterAll(async () => {
  await closeDb();
  rmSync(dir, { recursive: true, force: true });
});

describe("SQLite migrations", () => {
  it("create a fresh database, apply each migration once, and match the schema", async () => {
    const config = databaseConfig();
    expect(config.provider).toBe("sqlite");
    const all = readMigrations("sqlite").map((m) => m.name);
    expect(all.length).toBeGreaterThan(0);

    const first = await migrateDatabase(config);
    expect(first.applied).toEqual(all);
    const again = await migrateDatabase(config);
    expect(again).toEqual({ applied: [], changed: [] });

    if (config.provider !== "sqlite") throw new Error("unreachable");
    const db = new Database(config.file, { readonly: true });
    const recorded = db.prepare(`SELECT name FROM "_migrations" ORDER BY name`).all() as { name: string }[];
    expect(recorded.map((r) => r.name)).toEqual(all);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();

    // The committed SQL produces exactly what prisma/schema.prisma describes.
    const drift: string = await diffDatabaseToSchema(new PrismaBetterSqlite3({ url: config.file }), readSchemas().sqlite);
    expect(drift, drift).toSatisfy(isEmptyScript);
  });

  it("notices when the applied database differs from the schema", async () => {
    const config = databaseConfig();
    if (config.provider !== "sqlite") throw new Error("unreachable");
    const copy = path.join(dir, "drifted.db");
    const db = new Database(config.file);
    await db.backup(copy);
    db.close();
    const drifted = new Database(copy);
    drifted.exec(`DROP INDEX "TaskEvent_taskId_time_idx"`);
    drifted.close();
    const drift: string = await diffDatabaseToSchema(new PrismaBetterSqlite3({ url: copy }), readSchemas().sqlite);
    expect(drift).toContain("TaskEvent_taskId_time_idx");
  });

  it("reads and writes tasks through the console's data functions", async () => {
    await exerciseDataFunctions();
    const key = statSync(path.join(dir, "secret.key"));
    expect(key.mode & 0o777).toBe(0o600);
  });
});
