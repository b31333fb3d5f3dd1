import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DtsError } from "../errors";

/**
 * Where the console keeps its state. No `server-only` here: the start script, the CLI and tests read
 * the same configuration.
 */
export type DatabaseConfig =
  | { provider: "sqlite"; url: string; file: string }
  | { provider: "postgresql"; url: string; schema: string };

/** Environment variables (a plain record, so tests can pass their own). */
export type Env = Record<string, string | undefined>;

/** The checkout (it holds prisma/migrations). Found from this file, else the working directory. */
export function projectRoot(): string {
  if (process.env.REDIS_DTS_ROOT) return process.env.REDIS_DTS_ROOT;
  const candidates: string[] = [];
  try {
    let dir = path.dirname(fileURLToPath(import.meta.url));
    for (let i = 0; i < 6; i++, dir = path.dirname(dir)) candidates.push(dir);
  } catch {
    // bundled code may not have a file: URL; the working directory is the fallback
  }
  candidates.push(process.cwd());
  return candidates.find((dir) => existsSync(path.join(dir, "prisma/migrations"))) ?? process.cwd();
}

/** ./data (or REDIS_DTS_DATA_DIR): the SQLite file and the generated secret key. */
export function dataDir(env: Env = process.env): string {
  // turbopackIgnore: the data folder is chosen at run time and is not part of the build.
  return path.resolve(/*turbopackIgnore: true*/ env.REDIS_DTS_DATA_DIR ?? "data");
}

export function databaseConfig(env: Env = process.env): DatabaseConfig {
  const raw = env.DATABASE_URL?.trim();
  if (!raw) {
    const file = path.join(dataDir(env), "redis-dts.db");
    return { provider: "sqlite", url: `file:${file}`, file };
  }
  if (raw.startsWith("file:")) {
    const file = path.resolve(/*turbopackIgnore: true*/ raw.slice("file:".length).replace(/^\/\/(?=\/)/, "").split("?")[0]);
    return { provider: "sqlite", url: `file:${file}`, file };
  }
  if (/^postgres(ql)?:\/\//i.test(raw)) {
    let schema = "public";
    try {
      schema = new URL(raw).searchParams.get("schema") || "public";
    } catch {
      throw new DtsError("INVALID_CONFIG", "DATABASE_URL is not a valid postgresql:// URL.");
    }
    return { provider: "postgresql", url: raw, schema };
  }
  throw new DtsError("INVALID_CONFIG", "DATABASE_URL must start with postgresql:// (or file: for SQLite); unset it for the embedded SQLite database.");
}

/** For logs: the database without its password. */
export function describeDatabase(config: DatabaseConfig): string {
  if (config.provider === "sqlite") return `SQLite ${config.file}`;
  try {
    const u = new URL(config.url);
    return `PostgreSQL ${u.hostname}:${u.port || 5432}${u.pathname}${config.schema !== "public" ? ` (schema ${config.schema})` : ""}`;
  } catch {
    return "PostgreSQL";
  }
}
