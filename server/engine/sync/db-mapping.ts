import { Redis } from "ioredis";
import { DtsError } from "../../errors";
import { ioredisOptions } from "../ioredis-options";
import type { Topology } from "../topology";

export interface DbMapping {
  /** selected source databases, ascending */
  selected: number[];
  map(db: number): number | undefined;
  /** several selected source databases write into this destination database */
  merged(destDb: number): boolean;
}

/**
 * Which source databases are synchronized and where they go. Default: every database of a standalone
 * source (a cluster source has only db 0), each to the same number; a cluster destination has only
 * db 0, so everything maps there.
 */
export async function dbMapping(
  cfg: { source: { host: string; port: number; username?: string; password?: string }; target: { mode: string }; dbs?: number[]; dbMap: Map<number, number> },
  topology: Topology,
): Promise<DbMapping> {
  let selected = cfg.dbs;
  if (!selected) {
    const count = topology.mode === "cluster" ? 1 : await databaseCount(cfg.source);
    selected = Array.from({ length: count }, (_, i) => i);
  }
  const table = new Map<number, number>();
  for (const db of selected) {
    const to = cfg.dbMap.get(db) ?? (cfg.target.mode === "cluster" ? 0 : db);
    if (cfg.target.mode === "cluster" && to !== 0) {
      throw new DtsError("INVALID_CONFIG", `database ${db} maps to ${to}, but a cluster destination has only database 0 (use --db-map ${db}:0)`);
    }
    table.set(db, to);
  }
  const counts = new Map<number, number>();
  for (const to of table.values()) counts.set(to, (counts.get(to) ?? 0) + 1);
  return {
    selected: [...selected].sort((a, b) => a - b),
    map: (db) => table.get(db),
    merged: (d) => (counts.get(d) ?? 0) > 1,
  };
}

async function databaseCount(source: { host: string; port: number; username?: string; password?: string }): Promise<number> {
  const c = new Redis(ioredisOptions(source, { lazyConnect: true, maxRetriesPerRequest: 1 }));
  c.on("error", () => {});
  try {
    await c.connect();
    const reply = (await c.config("GET", "databases")) as string[];
    const n = Number(reply?.[1]);
    return Number.isInteger(n) && n > 0 && n <= 100_000 ? n : 16;
  } catch {
    // CONFIG may be renamed or forbidden: the Redis default.
    return 16;
  } finally {
    c.disconnect();
  }
}
