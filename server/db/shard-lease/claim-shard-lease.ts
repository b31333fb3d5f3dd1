import "server-only";
import { getDb } from "../client";
import { DB_NOW, dbNowPlus } from "./sql-time";

export interface ClaimShardLeaseOptions {
  /** the worker instance (Worker.id) */
  workerId: string;
  /** its --name, shown on the status page */
  worker: string;
  ttlMs: number;
}

export interface ClaimedShard {
  id: string;
  taskId: string;
  shard: string;
  position: number;
  source: string;
  /** the worker that held it before (its lease ran out or it gave it back), null when none did */
  previous: string | null;
}

/**
 * Takes one free shard of a running task: never held, given back, or whose holder let its lease run
 * out (on the database's clock). FOR UPDATE SKIP LOCKED: workers claiming at once each get a
 * different row and none waits for another. Null when no shard is free.
 */
export async function claimShardLease({ workerId, worker, ttlMs }: ClaimShardLeaseOptions): Promise<ClaimedShard | null> {
  const rows = await getDb().$queryRaw<ClaimedShard[]>`
    WITH c AS (
      SELECT l."id", l."worker" AS "previous"
      FROM "ShardLease" l JOIN "Task" t ON t."id" = l."taskId"
      WHERE t."state" IN ('initializing', 'synchronizing')
        AND (l."workerId" IS NULL OR l."expiresAt" IS NULL OR l."expiresAt" < ${DB_NOW})
      ORDER BY l."expiresAt" ASC NULLS FIRST, l."position" ASC
      LIMIT 1
      FOR UPDATE OF l SKIP LOCKED
    )
    UPDATE "ShardLease" s
    SET "workerId" = ${workerId}, "worker" = ${worker}, "since" = ${DB_NOW}, "expiresAt" = ${dbNowPlus(ttlMs)}, "status" = '{}', "statusAt" = NULL
    FROM c WHERE s."id" = c."id"
    RETURNING s."id", s."taskId", s."shard", s."position", s."source", c."previous"`;
  return rows[0] ?? null;
}
