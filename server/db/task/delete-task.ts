import "server-only";
import { getDb } from "../client";

export interface DeleteTaskOptions {
  id: string;
}

/** Deletes a task with everything recorded for it. Returns false when it did not exist. */
export async function deleteTask({ id }: DeleteTaskOptions): Promise<boolean> {
  const result = await getDb().task.deleteMany({ where: { id } });
  return result.count > 0;
}
