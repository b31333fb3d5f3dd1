import "server-only";
import { getDb } from "../client";

export interface FindTaskByNameOptions {
  name: string;
}

/**
 * The most recent task with this name (names need not be unique; the CLI addresses tasks by name and
 * always means the newest one).
 */
export async function findTaskByName({ name }: FindTaskByNameOptions) {
  return getDb().task.findFirst({ where: { name }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
}
