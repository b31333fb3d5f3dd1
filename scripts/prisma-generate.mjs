#!/usr/bin/env node
// postinstall: generates the two Prisma clients (SQLite and PostgreSQL) into server/db/generated/.
// Offline-safe: `prisma generate` does not need the schema engine, but it tries to download it unless
// PRISMA_SCHEMA_ENGINE_BINARY points somewhere, so it is pointed at a harmless binary.
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { root, sqliteSchemaPath, generatedDir, writePostgresSchema } from "./db-schemas.mjs";

const prismaCli = path.join(root, "node_modules/prisma/build/index.js");
if (!existsSync(prismaCli)) {
  // `npm ci --omit=dev` or a partial install: nothing to generate with; say so instead of failing.
  console.warn("prisma-generate: the prisma package is not installed; skipping client generation");
  process.exit(0);
}

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? "/bin/true",
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};

rmSync(generatedDir, { recursive: true, force: true });
const schemas = [sqliteSchemaPath, writePostgresSchema()];
for (const schema of schemas) {
  const r = spawnSync(process.execPath, [prismaCli, "generate", "--schema", schema], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  if (r.status !== 0) {
    process.stderr.write(r.stdout + r.stderr);
    console.error(`prisma-generate: generating the client for ${path.relative(root, schema)} failed`);
    process.exit(1);
  }
}
console.log(`prisma-generate: clients for sqlite and postgresql in ${path.relative(root, generatedDir)}/`);
