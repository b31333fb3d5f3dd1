import "server-only";
import { getDb } from "../client";
import { ensureMigrated } from "../migrate";
import { databaseConfig } from "../url";

export interface FindOrCreateTaskByNameOptions {
  name: string;
}

/**
 * The newest task with this name, created when there is none. Two `sync` processes started at once
 * on one new name must end up on one task (so the lease can refuse one of them), not on two tasks of
 * the same name writing to one destination: the look-up and the insert hold a lock together (SQLite:
 * the write lock BEGIN IMMEDIATE takes; PostgreSQL: an advisory lock on the name).
 */
export async function findOrCreateTaskByName({ name }: FindOrCreateTaskByNameOptions) {
  const config = databaseConfig();
  // Migrated before the transaction: migrating inside it would wait for the write lock it holds.
  await ensureMigrated(config);
  const newest = { where: { name }, orderBy: [{ createdAt: "desc" as const }, { id: "desc" as const }] };
  const existing = await getDb().task.findFirst(newest);
  if (existing) return existing;
  return getDb().$transaction(
    async (tx) => {
      if (config.provider === "postgresql") await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`redis-dts task name:${name}`}))`;
      const found = await tx.task.findFirst(newest);
      return found ?? (await tx.task.create({ data: { name, regionLabel: "default" } }));
    },
    // waiting for the write lock behind other starting processes counts against these
    { maxWait: 20_000, timeout: 20_000 },
  );
}
