#!/usr/bin/env node
// `npm run db:migration -- <name>`: after editing prisma/schema.prisma, writes the SQL that migrates
// both providers from the last migrated schema to the current one:
//   prisma/migrations/sqlite/<timestamp>_<name>/migration.sql
//   prisma/migrations/postgresql/<timestamp>_<name>/migration.sql
// and records the schema it migrated to in prisma/migrations/schema.snapshot.prisma.
// `npm run db:migration -- --check` exits 1 when the schema has changes without a migration.
// The console applies these files itself at start (server/db/migrate.ts); no prisma migrate involved.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { root, readSchemas, toPostgres, migrationsDir } from "./db-schemas.mjs";
import { diffSchemas, isEmptyScript } from "./db-engine.mjs";

const snapshotPath = path.join(root, "prisma/migrations/schema.snapshot.prisma");
const arg = process.argv[2];
if (!arg || arg === "--help") {
  console.error("usage: npm run db:migration -- <name>   (or -- --check)");
  process.exit(2);
}

const current = readSchemas();
const previousSqlite = existsSync(snapshotPath) ? readFileSync(snapshotPath, "utf8") : null;
const previous = { sqlite: previousSqlite, postgresql: previousSqlite === null ? null : toPostgres(previousSqlite) };

const scripts = {};
for (const provider of ["sqlite", "postgresql"]) {
  scripts[provider] = await diffSchemas(provider, previous[provider], current[provider]);
}
// The engine adds `CREATE SCHEMA "public"` to a first PostgreSQL migration; the runtime migrator
// already runs inside the configured schema (and creates it), and an account without CREATE on the
// database would fail on it.
scripts.postgresql = scripts.postgresql.replace(/-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";\n\n/, "");
const empty = isEmptyScript(scripts.sqlite) && isEmptyScript(scripts.postgresql);

if (arg === "--check") {
  if (empty) {
    console.log("db:migration: the migrations match prisma/schema.prisma");
    process.exit(0);
  }
  console.error("db:migration: prisma/schema.prisma has changes without a migration; run `npm run db:migration -- <name>`");
  process.exit(1);
}

if (empty) {
  console.log("db:migration: no schema changes since the last migration; nothing written");
  process.exit(0);
}
const name = arg.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "");
if (!name) {
  console.error("db:migration: the name needs at least one letter or digit");
  process.exit(2);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const folder = `${stamp}_${name}`;
for (const provider of ["sqlite", "postgresql"]) {
  const dir = path.join(migrationsDir(provider), folder);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "migration.sql"), scripts[provider]);
  console.log(`db:migration: wrote ${path.relative(root, dir)}/migration.sql`);
}
writeFileSync(snapshotPath, current.sqlite);
console.log("db:migration: review the SQL (data-preserving steps may need a hand edit), then commit both folders and the snapshot");
