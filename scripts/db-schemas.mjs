// The SQLite schema (prisma/schema.prisma) is the source of truth; the PostgreSQL twin differs only in
// its datasource provider and its client's output folder. Both clients expose the same model types.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const sqliteSchemaPath = path.join(root, "prisma/schema.prisma");
export const generatedDir = path.join(root, "server/db/generated");
export const postgresSchemaPath = path.join(generatedDir, "schema.postgresql.prisma");
export const migrationsDir = (provider) => path.join(root, "prisma/migrations", provider);

/** Derives the PostgreSQL schema text from the SQLite one. */
export function toPostgres(sqliteSchema) {
  const provider = /provider\s*=\s*"sqlite"/;
  const output = /output\s*=\s*"[^"]*"/;
  if (!provider.test(sqliteSchema) || !output.test(sqliteSchema)) {
    throw new Error("prisma/schema.prisma must have provider = \"sqlite\" and a generator output");
  }
  // The twin lives in server/db/generated/, so its output is relative to that folder.
  return sqliteSchema.replace(provider, 'provider = "postgresql"').replace(output, 'output       = "./postgresql"');
}

export function readSchemas() {
  const sqlite = readFileSync(sqliteSchemaPath, "utf8");
  return { sqlite, postgresql: toPostgres(sqlite) };
}

export function writePostgresSchema() {
  mkdirSync(generatedDir, { recursive: true });
  writeFileSync(postgresSchemaPath, readSchemas().postgresql);
  return postgresSchemaPath;
}
