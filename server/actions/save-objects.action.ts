"use server";

import { operatorAction } from "@/server/auth/operator-action";
import { DtsError } from "@/server/errors";
import { getEndpoints } from "@/server/db/endpoint/get-endpoints";
import { updateTask } from "@/server/db/task/update-task";
import { addTaskEvent } from "@/server/db/task-event/add-task-event";
import { ZConfigureObjectsSchema } from "@/contracts/configure-task.types";
import { configurableTask, stepPath } from "@/server/console/wizard-task";

/** Step 3: conflict mode, databases and their mapping. Next (and Back) make the precheck due again. */
export const saveObjectsAction = operatorAction(ZConfigureObjectsSchema, async ({ id, conflictMode, selectedDbs, dbMap, keyFilter, direction }, { operator }) => {
  const task = await configurableTask(id);
  const endpoints = await getEndpoints({ taskId: id });
  if (endpoints.source?.mode === "cluster" && selectedDbs.some((db) => db !== 0)) {
    throw new DtsError("INVALID_CONFIG", "A source cluster has only database 0.");
  }
  const clusterTarget = endpoints.destination?.mode === "cluster";
  // Every selected database gets an explicit destination; a cluster destination has only db 0.
  const mapping = Object.fromEntries(selectedDbs.map((db) => [String(db), clusterTarget ? 0 : (dbMap[String(db)] ?? db)]));
  await updateTask({
    id,
    data: { conflictMode, selectedDbs, dbMap: mapping, ...(keyFilter ? { keyFilter } : {}), wizardStep: direction === "next" ? 4 : Math.min(task.wizardStep, 3) },
  });
  if (direction === "next") {
    const dbs = selectedDbs.map((db) => (mapping[String(db)] === db ? `db${db}` : `db${db}→db${mapping[String(db)]}`)).join(", ");
    await addTaskEvent({ taskId: id, level: "info", message: `Objects saved by ${operator.username}: ${dbs}; conflicting keys: ${conflictMode === "ignore" ? "Ignore" : "Pre-check and Intercept"}${describeFilter(keyFilter)}.` });
  }
  return { next: stepPath(id, direction === "next" ? 4 : 2) };
});

function describeFilter(f: { include: string[]; exclude: string[] } | undefined): string {
  if (!f || (f.include.length === 0 && f.exclude.length === 0)) return "";
  const parts = [f.include.length ? `include ${f.include.join(", ")}` : "", f.exclude.length ? `exclude ${f.exclude.join(", ")}` : ""].filter(Boolean);
  return `; key filter: ${parts.join("; ")}`;
}
