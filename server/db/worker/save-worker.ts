import "server-only";
import { getDb } from "../client";
import { DB_NOW } from "../shard-lease/sql-time";

export interface SaveWorkerOptions {
  id: string;
  name: string;
  host: string;
  pid: number;
  maxShards: number;
  rssBytes: number;
}

/** Records that a worker is alive now (the database's clock): its row is what "live workers" counts. */
export async function saveWorker(o: SaveWorkerOptions): Promise<void> {
  await getDb().$executeRaw`
    INSERT INTO "Worker" ("id", "name", "host", "pid", "maxShards", "rssBytes", "startedAt", "seenAt")
    VALUES (${o.id}, ${o.name}, ${o.host}, ${o.pid}, ${o.maxShards}, ${o.rssBytes}, ${DB_NOW}, ${DB_NOW})
    ON CONFLICT ("id") DO UPDATE SET "seenAt" = ${DB_NOW}, "rssBytes" = ${o.rssBytes}, "maxShards" = ${o.maxShards}`;
}
