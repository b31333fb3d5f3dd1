import "server-only";
import { getDb } from "../client";
import { toJsonField } from "../json";
import type { TConflictMode, TDbMap, TInitialSync, TKeyFilter, TSourceReader, TSpeedLimits } from "../../../contracts/task.types";

export interface UpdateTaskOptions {
  id: string;
  data: {
    name?: string;
    regionLabel?: string;
    wizardStep?: number;
    conflictMode?: TConflictMode;
    selectedDbs?: number[];
    dbMap?: TDbMap;
    initialSync?: TInitialSync;
    sourceReader?: TSourceReader;
    options?: Record<string, unknown>;
    keyFilter?: TKeyFilter;
    speedLimits?: TSpeedLimits;
  };
}

/**
 * Changes a task's configuration (not its state: see setTaskState). Returns the task, or null when it
 * does not exist.
 */
export async function updateTask({ id, data }: UpdateTaskOptions) {
  const { selectedDbs, dbMap, options, keyFilter, speedLimits, ...plain } = data;
  const result = await getDb().task.updateMany({
    where: { id },
    data: {
      ...plain,
      ...(selectedDbs !== undefined && { selectedDbs: toJsonField([...new Set(selectedDbs)].sort((a, b) => a - b)) }),
      ...(dbMap !== undefined && { dbMap: toJsonField(dbMap) }),
      ...(options !== undefined && { options: toJsonField(options) }),
      ...(keyFilter !== undefined && { keyFilter: toJsonField(keyFilter) }),
      ...(speedLimits !== undefined && { speedLimits: toJsonField(speedLimits) }),
    },
  });
  if (result.count === 0) return null;
  return getDb().task.findUnique({ where: { id } });
}
