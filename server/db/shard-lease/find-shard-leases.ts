import "server-only";
import { getDb } from "../client";
import { ZShardLiveStatusSchema, type TShardAssignment } from "../../../contracts/worker.types";

/** The shards of one task (or of every task), in order, with their holders and live status. */
export async function findShardLeases({ taskId }: { taskId?: string } = {}): Promise<Array<TShardAssignment & { id: string; taskId: string; workerId: string | null }>> {
  const rows = await getDb().shardLease.findMany({ where: taskId ? { taskId } : {}, orderBy: [{ taskId: "asc" }, { position: "asc" }] });
  const now = Date.now();
  return rows.map((r) => {
    let status = null;
    try {
      const parsed = ZShardLiveStatusSchema.safeParse(JSON.parse(r.status));
      if (parsed.success) status = parsed.data;
    } catch {
      // a row written by another version: shown without its status
    }
    const held = r.workerId !== null && r.expiresAt !== null;
    return {
      id: r.id,
      taskId: r.taskId,
      workerId: r.workerId,
      shard: r.shard,
      position: r.position,
      source: r.source,
      worker: held ? r.worker : null,
      since: held && r.since ? r.since.toISOString() : null,
      expired: held && r.expiresAt!.getTime() < now,
      status: held ? status : null,
      statusAt: held && r.statusAt ? r.statusAt.toISOString() : null,
    };
  });
}
