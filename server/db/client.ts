import "server-only";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client";
import { ensureMigrated } from "./migrate";
import { retryWhileBusy } from "./busy-retry";
import { databaseConfig, type DatabaseConfig } from "./url";

/**
 * Secrets are left out of every query unless a caller asks for them by name
 * (`omit: { passwordEncrypted: false }`), so a page cannot leak them by returning a row.
 */
const OMIT = {
  endpoint: { passwordEncrypted: true, tlsEncrypted: true },
  operator: { passwordHash: true },
} as const;

type BaseClient = SqliteClient<never, typeof OMIT>;

function createClient(config: DatabaseConfig) {
  // Both generated clients come from one schema and have the same model types; the PostgreSQL one is
  // typed as the SQLite one so callers see a single client type.
  const base: BaseClient =
    config.provider === "sqlite"
      ? new SqliteClient({ adapter: immediateTransactions(new PrismaBetterSqlite3({ url: config.file, timeout: sqliteBusyTimeoutMs() })), omit: OMIT })
      : (new PostgresClient({
          adapter: lazyPg({ connectionString: config.url }, { schema: config.schema }),
          omit: OMIT,
        }) as unknown as BaseClient);
  // Whoever queries first (console, CLI, engine worker, test) brings the database up to date.
  return base.$extends({
    query: {
      async $allOperations({ args, query }) {
        await ensureMigrated(config);
        // a statement SQLite refused for its lock changed nothing: it runs again (busy-retry.ts)
        return config.provider === "sqlite" ? retryWhileBusy(() => query(args)) : query(args);
      },
    },
  });
}

/** How long one SQLite statement waits for another process's lock before SQLITE_BUSY (then busy-retry.ts retries). */
function sqliteBusyTimeoutMs(): number {
  const v = Number(process.env.REDIS_DTS_SQLITE_BUSY_TIMEOUT_MS);
  return Number.isInteger(v) && v > 0 ? v : 15_000;
}

/**
 * Transactions that take SQLite's write lock when they begin. The adapter's plain BEGIN starts a
 * reader that upgrades at its first write; when another process wrote in between, SQLite refuses the
 * upgrade at once with SQLITE_BUSY (its busy timeout cannot help a snapshot that is already stale),
 * which Prisma reports as "Operation has timed out": several engines and the console starting
 * together hit it. BEGIN IMMEDIATE waits for the lock (up to the busy timeout) instead.
 */
function immediateTransactions(factory: PrismaBetterSqlite3): PrismaBetterSqlite3 {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const db = (adapter as unknown as { client: { prepare(sql: string): unknown } }).client;
    const prepare = db.prepare.bind(db);
    db.prepare = (sql: string) => prepare(sql === "BEGIN" ? "BEGIN IMMEDIATE" : sql);
    return adapter;
  };
  return factory;
}

/**
 * PrismaPg, loaded when the first connection is made: `pg` takes ~70 ms to load (it reaches for
 * node's tls and the navigator global), which every SQLite process (CLI, engine, console) paid.
 */
function lazyPg(...args: ConstructorParameters<typeof PrismaPg>): PrismaPg {
  const factory = {
    provider: "postgres" as const,
    adapterName: "@prisma/adapter-pg",
    connect: async () => new (await import("@prisma/adapter-pg")).PrismaPg(...args).connect(),
  };
  return factory as unknown as PrismaPg;
}

export type Db = ReturnType<typeof createClient>;
/** A transaction client from `getDb().$transaction(async (tx) => …)`. */
export type DbTx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

const cache = globalThis as unknown as { __redisDtsDb?: Map<string, Db> };

/** The Prisma client for DATABASE_URL (or ./data/redis-dts.db), one per process and URL. */
export function getDb(config: DatabaseConfig = databaseConfig()): Db {
  cache.__redisDtsDb ??= new Map();
  let db = cache.__redisDtsDb.get(config.url);
  if (!db) {
    db = createClient(config);
    cache.__redisDtsDb.set(config.url, db);
  }
  return db;
}

/** Closes every cached client (tests, CLI exit). */
export async function closeDb(): Promise<void> {
  const clients = [...(cache.__redisDtsDb?.values() ?? [])];
  cache.__redisDtsDb?.clear();
  await Promise.all(clients.map((c) => c.$disconnect()));
}
