// Drives Prisma's schema engine (the npm build @prisma/schema-engine-wasm) offline, for development
// scripts only. Diffs are computed between schema texts, never against a live database, so they work
// for PostgreSQL without a server: the engine gets a stand-in connection that answers nothing.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
let loaded;

async function engineModule() {
  if (loaded) return loaded;
  // Node 20 cannot import a .wasm file as a module: instantiate it by hand with its JS glue.
  const bg = await import("@prisma/schema-engine-wasm/schema_engine_bg");
  const wasmPath = require.resolve("@prisma/schema-engine-wasm").replace(/schema_engine\.js$/, "schema_engine_bg.wasm");
  const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), { "./schema_engine_bg.js": bg });
  bg.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  loaded = bg;
  return bg;
}

/** A connection that is never really used: schema-to-schema diffs only probe the server version. */
function offlineFactory(provider) {
  const connection = {
    provider,
    adapterName: "redis-dts-offline",
    queryRaw: async () => ({ columnNames: [], columnTypes: [], rows: [] }),
    executeRaw: async () => 0,
    executeScript: async () => {},
    startTransaction: async () => {
      throw new Error("the offline schema engine connection has no transactions");
    },
    dispose: async () => {},
  };
  return { provider, adapterName: "redis-dts-offline", connect: async () => connection, connectToShadowDb: async () => connection };
}

const NO_FILTER = { externalTables: [], externalEnums: [] };

/**
 * The SQL that turns a database shaped like `fromSchema` (null = empty database) into one shaped like
 * `toSchema`. provider: "sqlite" | "postgresql".
 */
export async function diffSchemas(provider, fromSchema, toSchema) {
  const bg = await engineModule();
  const { bindMigrationAwareSqlAdapterFactory } = await import("@prisma/driver-adapter-utils");
  const adapterProvider = provider === "postgresql" ? "postgres" : provider;
  const engine = await bg.SchemaEngine.new({ datamodels: [["schema.prisma", toSchema]] }, () => {}, bindMigrationAwareSqlAdapterFactory(offlineFactory(adapterProvider)));
  try {
    const from = fromSchema === null ? { tag: "empty" } : { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: fromSchema }] };
    const to = { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: toSchema }] };
    const result = await engine.diff({ from, to, script: true, exitCode: null, filters: NO_FILTER });
    return result.stdout ?? "";
  } finally {
    engine.free();
  }
}

/** True when a diff script has no statement (the engine writes "-- This is an empty migration."). */
export function isEmptyScript(sql) {
  return sql.split("\n").every((line) => line.trim() === "" || line.trim().startsWith("--"));
}

/**
 * The SQL that would turn the live database behind `adapterFactory` (a Prisma driver adapter factory,
 * e.g. PrismaBetterSqlite3) into `schema`: empty when the applied migrations match the schema.
 * Only SQLite can be introspected this way offline.
 */
export async function diffDatabaseToSchema(adapterFactory, schema) {
  const bg = await engineModule();
  const { bindMigrationAwareSqlAdapterFactory } = await import("@prisma/driver-adapter-utils");
  const engine = await bg.SchemaEngine.new({ datamodels: [["schema.prisma", schema]] }, () => {}, bindMigrationAwareSqlAdapterFactory(adapterFactory));
  try {
    const files = [{ path: "schema.prisma", content: schema }];
    const result = await engine.diff({
      from: { tag: "schemaDatasource", files, configDir: process.cwd() },
      to: { tag: "schemaDatamodel", files },
      script: true,
      exitCode: null,
      filters: { externalTables: ["_migrations"], externalEnums: [] },
    });
    return result.stdout ?? "";
  } finally {
    engine.free();
  }
}
