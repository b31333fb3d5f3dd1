import { randomBytes } from "node:crypto";
import os from "node:os";
import pg from "pg";
import { findPgBinDir, startOwnPgServer, type OwnPgServer } from "./pg-own-server";

/**
 * Throwaway PostgreSQL databases for tests, on the server at 127.0.0.1:5432 (trust auth) or at
 * REDIS_DTS_TEST_PG (an admin URL). Each test file creates its own database and drops it; nothing
 * else on the server is touched. Where neither accepts us, the run starts a server of its own from
 * the installed binaries (REDIS_DTS_TEST_PG=own asks for that directly); stopOwnPg() ends it.
 */

export interface TempPgDatabase {
  name: string;
  /** postgresql:// URL of the new database */
  url: string;
  drop(): Promise<void>;
}

export type PgAvailability = { ok: true; adminUrl: string } | { ok: false; reason: string };

function adminCandidates(): string[] {
  if (process.env.REDIS_DTS_TEST_PG === "own") return [];
  if (process.env.REDIS_DTS_TEST_PG) return [process.env.REDIS_DTS_TEST_PG];
  const users = [...new Set([process.env.PGUSER, "postgres", "root", os.userInfo().username].filter(Boolean))];
  return users.map((u) => `postgresql://${encodeURIComponent(u!)}@127.0.0.1:5432/postgres`);
}

let probed: Promise<PgAvailability> | undefined;
let own: OwnPgServer | null = null;

/** Whether a PostgreSQL server accepts us (or one of our own started), with the reason when not. Probed once per process. */
export function pgAvailability(): Promise<PgAvailability> {
  probed ??= (async () => {
    const reasons: string[] = [];
    for (const adminUrl of adminCandidates()) {
      const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
      try {
        await client.connect();
        const r = await client.query("SELECT rolcreatedb OR rolsuper AS can FROM pg_roles WHERE rolname = current_user");
        if (r.rows[0]?.can) return { ok: true, adminUrl } as const;
        reasons.push(`${new URL(adminUrl).username} may not create databases`);
      } catch (err) {
        reasons.push(`${new URL(adminUrl).username}: ${(err as Error).message}`);
      } finally {
        await client.end().catch(() => {});
      }
    }
    const binDir = findPgBinDir();
    if (!binDir) return { ok: false, reason: `no usable PostgreSQL server (${reasons.join("; ") || "none tried"}) and no PostgreSQL binaries to start one (apt-get install postgresql)` } as const;
    try {
      own = await startOwnPgServer(binDir);
      return { ok: true, adminUrl: own.adminUrl } as const;
    } catch (err) {
      return { ok: false, reason: `no usable PostgreSQL server (${reasons.join("; ") || "none tried"}), and ${(err as Error).message}` } as const;
    }
  })();
  return probed;
}

/** Stops the server this run started, if it started one. */
export async function stopOwnPg(): Promise<void> {
  const server = own;
  own = null;
  probed = undefined;
  await server?.stop();
}

/** A new empty database; throws when no server is available (check pgAvailability first). */
export async function createTempPgDatabase(): Promise<TempPgDatabase> {
  const available = await pgAvailability();
  if (!available.ok) throw new Error(available.reason);
  const name = `redis_dts_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: available.adminUrl, connectionTimeoutMillis: 5000 });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(available.adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: available.adminUrl, connectionTimeoutMillis: 5000 });
      await c.connect();
      try {
        // Only ever our own database: the name is ours and carries the test prefix.
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
