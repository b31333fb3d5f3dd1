import "server-only";
import { getDb } from "../client";

export interface GetTaskOptions {
  id: string;
}

/** One task with its endpoints (passwords omitted), or null. */
export async function getTask({ id }: GetTaskOptions) {
  return getDb().task.findUnique({ where: { id }, include: { endpoints: true } });
}
