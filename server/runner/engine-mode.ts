import { DtsError } from "../errors";

/**
 * Who runs the tasks' engines. `embedded` (default): the console starts one `redis-dts run-task`
 * process per running task on its own machine. `workers` (REDIS_DTS_ENGINE=workers, PostgreSQL): the
 * console only stores and shows tasks; `redis-dts worker` processes, anywhere, run their shards.
 */
export function engineMode(env: Record<string, string | undefined> = process.env): "embedded" | "workers" {
  const raw = env.REDIS_DTS_ENGINE?.trim() || "embedded";
  if (raw !== "embedded" && raw !== "workers") throw new DtsError("INVALID_CONFIG", `REDIS_DTS_ENGINE must be embedded or workers (got "${raw}")`);
  return raw;
}
