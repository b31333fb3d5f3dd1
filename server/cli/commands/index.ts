import type { CliCommand } from "../command";

/**
 * Every command of `redis-dts`, loaded lazily so `--help` stays instant and one command's
 * dependencies are not loaded for another.
 */
export const COMMANDS: Record<string, () => Promise<CliCommand>> = {
  compare: async () => (await import("./compare")).default,
  precheck: async () => (await import("./precheck")).default,
  "rdb dump": async () => (await import("./rdb-dump")).default,
};
