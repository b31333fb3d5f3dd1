import "server-only";
import { z } from "zod";
import { getDb } from "../client";
import { parseJsonField, toJsonField } from "../json";
import type { TTaskOptions } from "../../../contracts/task.types";

export interface MergeTaskOptionsOptions {
  id: string;
  options: Partial<TTaskOptions>;
}

/**
 * Sets some of a task's options and keeps the others (updateTask replaces the whole document, which
 * would drop a setting stored by the CLI or a newer console). Returns the task, or null when it does
 * not exist.
 */
export async function mergeTaskOptions({ id, options }: MergeTaskOptionsOptions) {
  const db = getDb();
  return db.$transaction(async (tx) => {
    const task = await tx.task.findUnique({ where: { id }, select: { options: true } });
    if (!task) return null;
    const stored = parseJsonField(task.options, z.record(z.string(), z.unknown()), {});
    return tx.task.update({ where: { id }, data: { options: toJsonField({ ...stored, ...options }) } });
  });
}
