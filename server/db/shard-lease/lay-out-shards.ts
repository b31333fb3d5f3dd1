import "server-only";
import { randomUUID } from "node:crypto";
import { getDb } from "../client";
import { DB_NOW } from "./sql-time";
import { Prisma } from "../generated/sqlite/client";

export interface LayOutShardsOptions {
  taskId: string;
  /** the task's shards now, in order: position 0 does the task-wide work */
  shards: Array<{ shard: string; source: string }>;
}

/**
 * Makes the task's shard rows match its source masters: new shards are added free, shards no master
 * serves any more are removed unless a worker still holds them (it stops on its own when its master
 * is gone). Two workers laying out one task at once add each row once (unique task + shard).
 */
export async function layOutShards({ taskId, shards }: LayOutShardsOptions): Promise<void> {
  const db = getDb();
  const keep = shards.map((s) => s.shard);
  await db.$executeRaw`DELETE FROM "ShardLease" WHERE "taskId" = ${taskId} AND "shard" NOT IN (${Prisma.join(keep.length ? keep : [""])}) AND ("workerId" IS NULL OR "expiresAt" IS NULL OR "expiresAt" < ${DB_NOW})`;
  for (const [position, s] of shards.entries()) {
    await db.$executeRaw`INSERT INTO "ShardLease" ("id", "taskId", "shard", "source", "position", "status") VALUES (${randomUUID()}, ${taskId}, ${s.shard}, ${s.source}, ${position}, '{}') ON CONFLICT ("taskId", "shard") DO UPDATE SET "position" = ${position}`;
  }
}
