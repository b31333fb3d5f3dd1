import "server-only";
import { getDb } from "../client";
import type { TPrecheckItemInput } from "./precheck.types";

export interface CreatePrecheckRunOptions {
  taskId: string;
  /** the items as they start (usually all pending), in display order */
  items: TPrecheckItemInput[];
}

export async function createPrecheckRun({ taskId, items }: CreatePrecheckRunOptions) {
  return getDb().precheckRun.create({
    data: { taskId, items: { create: items.map((item, position) => ({ ...item, position })) } },
    include: { items: { orderBy: { position: "asc" } } },
  });
}
