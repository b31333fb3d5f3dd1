import type { MigrateLog, MigrateResult, MigrationFile } from "./migrations";

// Any constant: all redis-dts processes on one database take this advisory lock while migrating.
const LOCK_KEY = 7_355_608_421;

const quote = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

/**
 * Applies pending migrations to PostgreSQL, each in its own transaction, under an advisory lock so
 * two processes starting at once apply each file exactly once.
 */
export async function migratePostgres(url: string, schema: string, migrations: MigrationFile[], log: MigrateLog): Promise<MigrateResult> {
  // loaded here, not at the top: SQLite processes never need pg (~70 ms to load)
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quote(schema)}`).catch(async (err) => {
      // Without CREATE on the database an existing schema is still fine.
      const exists = await client.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]);
      if (exists.rowCount === 0) throw err;
    });
    await client.query(`SET search_path TO ${quote(schema)}`);
    await client.query("SELECT pg_advisory_lock($1)", [LOCK_KEY]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS "_migrations" ("name" TEXT PRIMARY KEY, "checksum" TEXT NOT NULL, "appliedAt" TIMESTAMPTZ NOT NULL DEFAULT now())`);
      const rows = (await client.query(`SELECT "name", "checksum" FROM "_migrations"`)).rows as { name: string; checksum: string }[];
      const recorded = new Map(rows.map((r) => [r.name, r.checksum]));
      const result: MigrateResult = { applied: [], changed: [] };
      for (const m of migrations) {
        const known = recorded.get(m.name);
        if (known !== undefined) {
          if (known !== m.checksum) result.changed.push(m.name);
          continue;
        }
        await client.query("BEGIN");
        try {
          await client.query(m.sql);
          await client.query(`INSERT INTO "_migrations" ("name", "checksum") VALUES ($1, $2)`, [m.name, m.checksum]);
          await client.query("COMMIT");
        } catch (err) {
          await client.query("ROLLBACK");
          throw err;
        }
        result.applied.push(m.name);
        log(`database: applied migration ${m.name}`);
      }
      return result;
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [LOCK_KEY]).catch(() => {});
    }
  } finally {
    await client.end();
  }
}
