import "server-only";
import { getDb } from "../client";

/** Workers seen within `aliveMs` (default 20 s), with how many shards each holds. */
export async function findWorkers({ aliveMs = 20_000 }: { aliveMs?: number } = {}) {
  const since = new Date(Date.now() - aliveMs);
  const [workers, held] = await Promise.all([
    getDb().worker.findMany({ where: { seenAt: { gte: since } }, orderBy: { name: "asc" } }),
    getDb().shardLease.groupBy({ by: ["workerId"], where: { workerId: { not: null }, expiresAt: { gte: new Date() } }, _count: { _all: true } }),
  ]);
  const counts = new Map(held.map((h) => [h.workerId, h._count._all]));
  return workers.map((w) => ({ id: w.id, name: w.name, host: w.host, pid: w.pid, maxShards: w.maxShards, rssBytes: w.rssBytes, startedAt: w.startedAt, seenAt: w.seenAt, shards: counts.get(w.id) ?? 0 }));
}
