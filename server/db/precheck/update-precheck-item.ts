import "server-only";
import { getDb } from "../client";
import type { TPrecheckItemStatus } from "./precheck.types";

export interface UpdatePrecheckItemOptions {
  runId: string;
  itemId: string;
  status: TPrecheckItemStatus;
  message?: string;
  fix?: string;
}

/** Records one item's outcome as soon as it is known, so the wizard can show progress. */
export async function updatePrecheckItem({ runId, itemId, status, message, fix }: UpdatePrecheckItemOptions): Promise<void> {
  await getDb().precheckItem.updateMany({
    where: { runId, itemId },
    data: { status, ...(message !== undefined && { message }), ...(fix !== undefined && { fix }) },
  });
}
