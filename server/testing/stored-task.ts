import { createTask } from "../db/task/create-task";
import { saveEndpoint, type SaveEndpointOptions } from "../db/endpoint/save-endpoint";
import { updateTask, type UpdateTaskOptions } from "../db/task/update-task";

/** A standalone node as a stored task names it (a RedisNode fits, with the credentials it was started with). */
type StoredSide = Pick<SaveEndpointOptions, "host" | "port" | "username" | "password">;

/**
 * A task stored as the wizard leaves it, for tests that run or read stored tasks: its name, a
 * standalone source and destination, then its settings (`data`, as updateTask takes them).
 * The database is reached at the call, so a test file may point DATABASE_URL at its own first.
 */
export async function storeTask(o: { name: string; source: StoredSide; target: StoredSide; data?: UpdateTaskOptions["data"] }): Promise<string> {
  const task = await createTask({ name: o.name });
  const side = (role: "source" | "destination", s: StoredSide) =>
    saveEndpoint({ taskId: task.id, role, host: s.host, port: s.port, mode: "standalone", ...(s.username !== undefined && { username: s.username }), ...(s.password !== undefined && { password: s.password }) });
  await side("source", o.source);
  await side("destination", o.target);
  if (o.data) await updateTask({ id: task.id, data: o.data });
  return task.id;
}
