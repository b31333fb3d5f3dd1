import { existsSync } from "node:fs";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { findPgBinDir, startOwnPgServer } from "./pg-own-server";

/** The fallback that lets the PostgreSQL tests run on a machine with no server of its own at 5432. */
describe("own PostgreSQL server for tests", () => {
  it("starts from the installed binaries, accepts a throwaway database, and leaves nothing behind", async () => {
    const binDir = findPgBinDir();
    expect(binDir, "PostgreSQL binaries (apt-get install postgresql; .ci/run does)").not.toBeNull();
    const server = await startOwnPgServer(binDir!);
    const port = Number(new URL(server.adminUrl).port);
    expect(port).not.toBe(5432);
    const admin = new pg.Client({ connectionString: server.adminUrl });
    await admin.connect();
    let folder = "";
    try {
      await admin.query(`CREATE DATABASE "redis_dts_own_check"`);
      const r = await admin.query("SHOW data_directory");
      folder = r.rows[0].data_directory;
      expect(existsSync(folder)).toBe(true);
      const v = await admin.query("SHOW server_version_num");
      expect(Number(v.rows[0].server_version_num)).toBeGreaterThanOrEqual(100000);
    } finally {
      await admin.end();
      await server.stop();
    }
    expect(existsSync(folder)).toBe(false);
    const after = new pg.Client({ connectionString: server.adminUrl, connectionTimeoutMillis: 1000 });
    await expect(after.connect()).rejects.toThrow();
    await after.end().catch(() => {});
  }, 60_000);
});
