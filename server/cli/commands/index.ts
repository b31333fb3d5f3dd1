import type { CliCommand } from "../command";

/**
 * Every command of `redis-dts`, loaded lazily so `--help` stays instant and one command's
 * dependencies are not loaded for another.
 */
export const COMMANDS: Record<string, () => Promise<CliCommand>> = {
  "run-task": async () => (await import("./run-task")).default,
  "sync": async () => (await import("./sync")).default,
  "verify-task": async () => (await import("./verify-task")).default,
  compare: async () => (await import("./compare")).default,
  finish: async () => (await import("./finish")).default,
  delete: async () => (await import("./delete")).default,
  precheck: async () => (await import("./precheck")).default,
  "rdb dump": async () => (await import("./rdb-dump")).default,
  "rdb load": async () => (await import("./rdb-load")).default,
};
