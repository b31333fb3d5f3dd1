import "server-only";
import { getDb } from "../client";
import type { TPrecheckItemStatus } from "./precheck.types";

export interface RecordPrecheckItemsOptions {
  runId: string;
  items: Array<{ itemId: string; status: TPrecheckItemStatus; message?: string; fix?: string }>;
}

/**
 * Records the outcomes of a finished precheck in one transaction: one write per item cost an engine
 * start ~25 round trips through the query engine before any data moved.
 */
export async function recordPrecheckItems({ runId, items }: RecordPrecheckItemsOptions): Promise<void> {
  const db = getDb();
  await db.$transaction(
    items.map(({ itemId, status, message, fix }) =>
      db.precheckItem.updateMany({
        where: { runId, itemId },
        data: { status, ...(message !== undefined && { message }), ...(fix !== undefined && { fix }) },
      }),
    ),
  );
}
