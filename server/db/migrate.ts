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

const BUSY_RETRY_MS = 30_000;

/**
 * SQLite answers some lock conflicts at once with SQLITE_BUSY instead of waiting out the busy timeout
 * (turning a new file to WAL while another process opens it, a WAL recovery): many processes started
 * together on a new store hit it. What failed that way changed nothing and is run again.
 */
async function retryWhileBusy<T>(fn: () => T): Promise<T> {
  const deadline = Date.now() + BUSY_RETRY_MS;
  for (;;) {
    try {
      return fn();
    } catch (err) {
      if (!isBusy(err) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 200));
    }
  }
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === "string" ? /^SQLITE_(BUSY|LOCKED)/.test(code) : /database is locked/i.test(String(err));
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
