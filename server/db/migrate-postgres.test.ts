import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempPgDatabase, stopOwnPg, type TempPgDatabase } from "../testing/pg-harness";
import { exerciseDataFunctions } from "../testing/db-roundtrip";
import { migrateDatabase } from "./migrate";
import { readMigrations } from "./migrations";
import { databaseConfig } from "./url";
import { closeDb } from "./client";

// No skip: without a usable server at 5432 the harness starts one of its own; without PostgreSQL
// installed at all, createTempPgDatabase fails with the reason (.ci/run installs it).
describe("PostgreSQL migrations", () => {
  let temp: TempPgDatabase;
  let dir: string;
  beforeAll(async () => {
    temp = await createTempPgDatabase();
    dir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-pg-"));
    process.env.DATABASE_URL = temp.url;
    process.env.REDIS_DTS_DATA_DIR = dir;
  });
  afterAll(async () => {
    await closeDb();
    await temp?.drop();
    await stopOwnPg();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("apply every migration once to a fresh database, also when two processes start together", async () => {
    const config = databaseConfig();
    expect(config.provider).toBe("postgresql");
    const all = readMigrations("postgresql").map((m) => m.name);
    const [a, b] = await Promise.all([migrateDatabase(config), migrateDatabase(config)]);
    expect([...a.applied, ...b.applied].sort()).toEqual(all);
    expect(await migrateDatabase(config)).toEqual({ applied: [], changed: [] });

    const client = new pg.Client({ connectionString: temp.url });
    await client.connect();
    try {
      const tables = await client.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
      expect(tables.rows.map((r) => r.tablename)).toEqual(
        expect.arrayContaining(["Task", "Endpoint", "Checkpoint", "TaskEvent", "MetricSample", "Operator", "Session", "_migrations"]),
      );
      const offset = await client.query(`SELECT data_type FROM information_schema.columns WHERE table_name = 'Checkpoint' AND column_name = 'offset'`);
      expect(offset.rows[0].data_type).toBe("bigint");
    } finally {
      await client.end();
    }
  });

  it("reads and writes tasks through the console's data functions", async () => {
    await exerciseDataFunctions();
  });

  it("migrates into a named schema given by ?schema=", async () => {
    const url = new URL(temp.url);
    url.searchParams.set("schema", "dts_other");
    const config = databaseConfig({ DATABASE_URL: url.toString() });
    expect(config).toMatchObject({ provider: "postgresql", schema: "dts_other" });
    const result = await migrateDatabase(config);
    expect(result.applied).toEqual(readMigrations("postgresql").map((m) => m.name));
    const client = new pg.Client({ connectionString: temp.url });
    await client.connect();
    try {
      const r = await client.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'dts_other' AND tablename = 'Task'`);
      expect(r.rows[0].n).toBe(1);
    } finally {
      await client.end();
    }
  });
});
