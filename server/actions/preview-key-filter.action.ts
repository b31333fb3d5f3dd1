"use server";

import { operatorAction } from "@/server/auth/operator-action";
import { getTask } from "@/server/db/task/get-task";
import { parseJsonField } from "@/server/db/json";
import { DtsError } from "@/server/errors";
import { previewKeyFilter } from "@/server/console/key-filter-preview";
import { ZPreviewKeyFilterSchema } from "@/contracts/configure-task.types";
import { ZSelectedDbsSchema } from "@/contracts/task.types";

/** Step 3's preview: the patterns against a SCAN sample of the source (the first selected database). */
export const previewKeyFilterAction = operatorAction(ZPreviewKeyFilterSchema, async ({ id, keyFilter }) => {
  const task = await getTask({ id });
  if (!task) throw new DtsError("INVALID_CONFIG", "This task no longer exists.");
  const db = parseJsonField(task.selectedDbs, ZSelectedDbsSchema, [0])[0] ?? 0;
  return previewKeyFilter(id, keyFilter, db);
});
