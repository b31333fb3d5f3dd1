import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where the checkout and the data folder are. At the bottom floor: the database, the secrets, the
 * engine hosts and the CLI all read them, and none of them should have to import another for it.
 * No `server-only` here: the start script, the CLI and tests read the same configuration.
 */

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
