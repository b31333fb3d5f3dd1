import "server-only";
import { getDb } from "../client";

/** Shards of running tasks (initializing, synchronizing): what the live workers share. */
export async function countRunningShards(): Promise<number> {
  return getDb().shardLease.count({ where: { task: { state: { in: ["initializing", "synchronizing"] } } } });
}
