import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { projectRoot } from "../paths";

/** One committed migration: prisma/migrations/<provider>/<name>/migration.sql */
export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export type Provider = "sqlite" | "postgresql";

/** Every migration of a provider, oldest first (folder names start with a UTC timestamp). */
export function readMigrations(provider: Provider, root = projectRoot()): MigrationFile[] {
  const dir = path.join(root, "prisma/migrations", provider);
  if (!existsSync(dir)) throw new Error(`no migrations folder at ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

export interface MigrateResult {
  applied: string[];
  /** migrations recorded as applied whose file changed since: reported, never re-run */
  changed: string[];
}

export type MigrateLog = (line: string) => void;
