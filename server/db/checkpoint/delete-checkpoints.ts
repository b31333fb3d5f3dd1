import "server-only";
import { getDb } from "../client";

export interface DeleteCheckpointsOptions {
  taskId: string;
  /** only this node's checkpoint; undefined = all of the task's (a full resync from scratch) */
  sourceNode?: string;
}

export async function deleteCheckpoints({ taskId, sourceNode }: DeleteCheckpointsOptions): Promise<number> {
  const result = await getDb().checkpoint.deleteMany({ where: { taskId, ...(sourceNode && { sourceNode }) } });
  return result.count;
}
