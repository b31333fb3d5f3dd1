import { randomBytes } from "node:crypto";
import os from "node:os";
import pg from "pg";

/**
 * Throwaway PostgreSQL databases for tests, on the server at 127.0.0.1:5432 (trust auth) or at
 * REDIS_DTS_TEST_PG (an admin URL). Each test file creates its own database and drops it; nothing
 * else on the server is touched.
 */

export interface TempPgDatabase {
  name: string;
  /** postgresql:// URL of the new database */
  url: string;
  drop(): Promise<void>;
}

export type PgAvailability = { ok: true; adminUrl: string } | { ok: false; reason: string };

function adminCandidates(): string[] {
  if (process.env.REDIS_DTS_TEST_PG) return [process.env.REDIS_DTS_TEST_PG];
  const users = [...new Set([process.env.PGUSER, "postgres", "root", os.userInfo().username].filter(Boolean))];
  return users.map((u) => `postgresql://${encodeURIComponent(u!)}@127.0.0.1:5432/postgres`);
}

let probed: Promise<PgAvailability> | undefined;

/** Whether a PostgreSQL server accepts us, with the reason when it does not. Probed once per process. */
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
    return { ok: false, reason: `no usable PostgreSQL server (${reasons.join("; ")})` } as const;
  })();
  return probed;
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
