import "server-only";
import path from "node:path";
import { DtsError } from "../errors";
import type { Endpoint } from "../engine/endpoint";
import type { SyncTaskConfig } from "../engine/sync/sync-task";
import { getTask } from "../db/task/get-task";
import { getEndpointCredentials } from "../db/endpoint/get-endpoint-credentials";
import { z } from "zod";
import { parseJsonField } from "../db/json";
import { ZKeyFilterSchema, ZSpeedLimitsSchema, ZTaskOptionsSchema } from "../../contracts/task.types";

export type { TTaskOptions } from "../../contracts/task.types";

/** Everything the engine needs to run a stored task, passwords decrypted (never log or return this). */
export async function loadTaskConfig(taskId: string, dataDir: string): Promise<SyncTaskConfig & { name: string; state: string }> {
  const task = await getTask({ id: taskId });
  if (!task) throw new DtsError("INVALID_CONFIG", `task ${taskId} does not exist`);
  const [source, target] = await Promise.all([
    getEndpointCredentials({ taskId, role: "source" }),
    getEndpointCredentials({ taskId, role: "destination" }),
  ]);
  if (!source?.host || !target?.host) throw new DtsError("INVALID_CONFIG", `task "${task.name}" has no source or destination configured yet`);
  const selected = parseJsonField(task.selectedDbs, z.array(z.number().int().min(0)).nullable(), null);
  const map = parseJsonField(task.dbMap, z.record(z.string(), z.number().int().min(0)), {});
  const options = parseJsonField(task.options, ZTaskOptionsSchema, {});
  const keyFilter = parseJsonField(task.keyFilter, ZKeyFilterSchema, { include: [], exclude: [] });
  return {
    taskId,
    name: task.name,
    state: task.state,
    source: source as Endpoint,
    target: target as Endpoint,
    dbs: Array.isArray(selected) && selected.length ? selected : undefined,
    dbMap: new Map(Object.entries(map).map(([k, v]) => [Number(k), Number(v)])),
    conflict: task.conflictMode === "ignore" ? "ignore" : "intercept",
    initialSync: task.initialSync === "incremental_only" ? "incremental_only" : "full_and_incremental",
    ignoreFlush: Boolean(options.ignoreFlush),
    onDivergence: options.onInexact ?? "pause",
    spoolDir: path.join(dataDir, "spool", taskId),
    sourceReader: task.sourceReader === "scan" || task.sourceReader === "auto" ? task.sourceReader : "psync",
    keyFilter,
    limits: parseJsonField(task.speedLimits, ZSpeedLimitsSchema, {}),
  };
}
