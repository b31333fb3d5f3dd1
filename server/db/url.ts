import path from "node:path";
import { DtsError } from "../errors";
import { dataDir, type Env } from "../paths";

/**
 * Where the console keeps its state. No `server-only` here: the start script, the CLI and tests read
 * the same configuration.
 */
export type DatabaseConfig =
  | { provider: "sqlite"; url: string; file: string }
  | { provider: "postgresql"; url: string; schema: string };

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
