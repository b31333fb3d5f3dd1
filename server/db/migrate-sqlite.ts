import { chmodSync, existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { MigrateLog, MigrateResult, MigrationFile } from "./migrations";

const TABLE = `CREATE TABLE IF NOT EXISTS "_migrations" (
  "name" TEXT NOT NULL PRIMARY KEY,
  "checksum" TEXT NOT NULL,
  "appliedAt" TEXT NOT NULL
)`;

/**
 * Applies pending migrations to a SQLite file, each in its own transaction. BEGIN IMMEDIATE takes the
 * write lock first, so two processes starting at once apply each file exactly once.
 */
export function migrateSqlite(file: string, migrations: MigrationFile[], log: MigrateLog): MigrateResult {
  // The file holds password hashes and encrypted credentials: only this account may read it.
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const fresh = !existsSync(file);
  const db = new Database(file, { timeout: 15_000 });
  if (fresh) chmodSync(file, 0o600);
  try {
    // WAL lets the console read while the engine writes checkpoints and metrics; it sticks to the file.
    // (asked first: switching needs a lock the others opening the file at once may hold)
    if (db.pragma("journal_mode", { simple: true }) !== "wal") db.pragma("journal_mode = WAL");
    db.exec(TABLE);
    const result: MigrateResult = { applied: [], changed: [] };
    const recorded = new Map(
      (db.prepare(`SELECT "name", "checksum" FROM "_migrations"`).all() as { name: string; checksum: string }[]).map((r) => [r.name, r.checksum]),
    );
    for (const m of migrations) {
      const known = recorded.get(m.name);
      if (known !== undefined) {
        if (known !== m.checksum) result.changed.push(m.name);
        continue;
      }
      // Table rebuilds in SQLite migrations need foreign keys off, which only works outside a transaction.
      db.pragma("foreign_keys = OFF");
      try {
        db.exec("BEGIN IMMEDIATE");
        try {
          const again = db.prepare(`SELECT 1 FROM "_migrations" WHERE "name" = ?`).get(m.name);
          if (!again) {
            db.exec(m.sql);
            const broken = db.prepare("PRAGMA foreign_key_check").all();
            if (broken.length > 0) throw new Error(`migration ${m.name} leaves ${broken.length} rows with broken foreign keys`);
            db.prepare(`INSERT INTO "_migrations" ("name", "checksum", "appliedAt") VALUES (?, ?, ?)`).run(m.name, m.checksum, new Date().toISOString());
            result.applied.push(m.name);
            log(`database: applied migration ${m.name}`);
          }
          db.exec("COMMIT");
        } catch (err) {
          db.exec("ROLLBACK");
          throw err;
        }
      } finally {
        db.pragma("foreign_keys = ON");
      }
    }
    return result;
  } finally {
    db.close();
  }
}
