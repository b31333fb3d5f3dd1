import "server-only";
import { getDb } from "../client";
import { DB_NOW, dbNowPlus } from "./sql-time";

export interface RenewShardLeasesOptions {
  workerId: string;
  ttlMs: number;
}

/**
 * Extends every lease the worker still holds (one statement) and says in which state each shard's
 * task is. A lease that already ran out is not renewed: another worker may be taking it, so the
 * worker must treat it as lost. Shards missing from the answer are no longer the worker's.
 */
export async function renewShardLeases({ workerId, ttlMs }: RenewShardLeasesOptions): Promise<Array<{ id: string; taskState: string }>> {
  return getDb().$queryRaw<Array<{ id: string; taskState: string }>>`
    UPDATE "ShardLease" s SET "expiresAt" = ${dbNowPlus(ttlMs)}
    FROM "Task" t
    WHERE t."id" = s."taskId" AND s."workerId" = ${workerId} AND s."expiresAt" > ${DB_NOW}
    RETURNING s."id", t."state" AS "taskState"`;
}
