import "server-only";
import { getDb } from "../client";

export interface GetCheckpointsOptions {
  taskId: string;
}

/** Every shard's checkpoint of a task, by source node. */
export async function getCheckpoints({ taskId }: GetCheckpointsOptions) {
  return getDb().checkpoint.findMany({ where: { taskId }, orderBy: { sourceNode: "asc" } });
}
