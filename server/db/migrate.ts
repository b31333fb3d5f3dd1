import { retryWhileBusy } from "./busy-retry";
import { DtsError, describeError } from "../errors";
import { readMigrations, type MigrateLog, type MigrateResult } from "./migrations";
import { migrateSqlite } from "./migrate-sqlite";
import { migratePostgres } from "./migrate-postgres";
import { databaseConfig, describeDatabase, type DatabaseConfig } from "./url";

/**
 * Creates or upgrades the database to the committed migrations (prisma/migrations/<provider>/),
 * offline, for SQLite and PostgreSQL alike. Safe to call from several processes at once.
 */
export async function migrateDatabase(config: DatabaseConfig = databaseConfig(), log: MigrateLog = () => {}): Promise<MigrateResult> {
  const migrations = readMigrations(config.provider);
  let result: MigrateResult;
  try {
    result =
      config.provider === "sqlite"
        ? await retryWhileBusy(() => migrateSqlite(config.file, migrations, log))
        : await migratePostgres(config.url, config.schema, migrations, log);
  } catch (err) {
    throw new DtsError("INTERNAL", `Migrating the database (${describeDatabase(config)}) failed: ${describeError(err)}`, { cause: err });
  }
  for (const name of result.changed) {
    log(`database: warning: migration ${name} changed after it was applied; the change is not re-applied`);
  }
  return result;
}

const pending = new Map<string, Promise<MigrateResult>>();

/** migrateDatabase once per process and database URL (the Prisma client awaits it before any query). */
export function ensureMigrated(config: DatabaseConfig = databaseConfig()): Promise<MigrateResult> {
  let p = pending.get(config.url);
  if (!p) {
    // stderr: the CLI's stdout carries JSON that scripts parse.
    p = migrateDatabase(config, (line) => console.error(line));
    // A failure (database down) must not stick: the next query tries again.
    p.catch(() => pending.delete(config.url));
    pending.set(config.url, p);
  }
  return p;
}
