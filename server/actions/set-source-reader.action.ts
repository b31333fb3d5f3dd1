"use server";

import { DtsError } from "@/server/errors";
import { operatorAction } from "@/server/auth/operator-action";
import { updateTask } from "@/server/db/task/update-task";
import { getEndpoints } from "@/server/db/endpoint/get-endpoints";
import { addTaskEvent } from "@/server/db/task-event/add-task-event";
import { ZSetSourceReaderSchema } from "@/contracts/source-reader.types";
import { SCAN_READER_LABEL } from "@/contracts/task.types";
import { configurableTask } from "@/server/console/wizard-task";
import { startConsolePrecheck } from "@/server/console/wizard-precheck";

/**
 * The operator's consent (or its withdrawal) to read a source that refuses PSYNC with the scan reader.
 * The precheck's verdict depends on it, so it runs again at once.
 */
export const setSourceReaderAction = operatorAction(ZSetSourceReaderSchema, async ({ id, sourceReader }, { operator }) => {
  await configurableTask(id);
  const endpoints = await getEndpoints({ taskId: id });
  if (!endpoints.source?.host || !endpoints.destination?.host) throw new DtsError("INVALID_CONFIG", "Configure the source and destination instances first.");
  await updateTask({ id, data: { sourceReader } });
  await addTaskEvent({
    taskId: id,
    level: "info",
    message:
      sourceReader === "auto"
        ? `${operator.username} allowed the scan reader for a source that refuses PSYNC (${SCAN_READER_LABEL}).`
        : `${operator.username} chose replication (PSYNC) only: a source that refuses it fails the precheck.`,
  });
  startConsolePrecheck(id, operator.username);
  return { id, sourceReader };
});
