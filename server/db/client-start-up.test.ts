import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

/**
 * A process on the SQLite default never loads `pg`: it cost every CLI, engine and console process
 * ~70-85 ms of start-up. Checked in a fresh process (a test worker's module cache is shared).
 */
describe("database client start-up", () => {
  it("queries SQLite without loading pg or its Prisma adapter", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-client-"));
    try {
      const script = `
        import { createRequire } from "node:module";
        const { getDb, closeDb } = await import(${JSON.stringify(path.join(root, "server/db/client.ts"))});
        const n = await getDb().task.count();
        const loaded = Object.keys(createRequire(import.meta.url).cache).filter((f) => /node_modules[\\\\/](pg|pg-pool|@prisma[\\\\/]adapter-pg)[\\\\/]/.test(f));
        console.log(JSON.stringify({ n, loaded, better: Object.keys(createRequire(import.meta.url).cache).some((f) => f.includes("better-sqlite3")) }));
        await closeDb();
      `;
      const env: NodeJS.ProcessEnv = { ...process.env, REDIS_DTS_DATA_DIR: dir };
      delete env.DATABASE_URL;
      const r = spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", "--input-type=module", "-e", script], { cwd: root, env, encoding: "utf8", timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout.trim().split("\n").pop()!);
      expect(out.n).toBe(0);
      // the check can see CommonJS modules: the SQLite driver is one of them
      expect(out.better).toBe(true);
      expect(out.loaded).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
