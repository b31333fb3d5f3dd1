import type { CliCommand } from "../command";

export interface CommandEntry {
  /** one line for `redis-dts --help` */
  brief: string;
  /** started by the console, not by people: works, but `--help` does not list it */
  internal?: boolean;
  load(): Promise<CliCommand>;
}

/**
 * Every command of `redis-dts`, loaded lazily so `--help` stays instant and one command's
 * dependencies are not loaded for another.
 */
export const COMMANDS: Record<string, CommandEntry> = {
  sync: { brief: "synchronize a source to a destination: full data, then every write (resumes when run again)", load: async () => (await import("./sync")).default },
  precheck: { brief: "check source and destination before a synchronization: every item with its cause and fix", load: async () => (await import("./precheck")).default },
  compare: { brief: "verify the data: compare both sides key by key (exit 0 equal, 1 different)", load: async () => (await import("./compare")).default },
  "rdb dump": { brief: "print an RDB file as one JSON object per key", load: async () => (await import("./rdb-dump")).default },
  "rdb load": { brief: "restore an RDB file into a standalone or cluster destination", load: async () => (await import("./rdb-load")).default },
  finish: { brief: "end a stopped task for good and remove its own keys from both sides", load: async () => (await import("./finish")).default },
  delete: { brief: "remove a stopped task's own keys from both sides, then the task", load: async () => (await import("./delete")).default },
  worker: { brief: "run shards of the tasks stored in PostgreSQL, shared with every other worker (scale out, fail over)", load: async () => (await import("./worker")).default },
  status: { brief: "print a stored task's status (the object `sync --json` prints; each shard names its worker)", load: async () => (await import("./status")).default },
  stop: { brief: "stop a running task: its engines stop after a final checkpoint (paused; `resume` continues)", load: async () => (await import("./stop")).default },
  resume: { brief: "resume a stopped (paused) task from its checkpoints", load: async () => (await import("./resume")).default },
  "run-task": { brief: "run a task stored by the console", internal: true, load: async () => (await import("./run-task")).default },
  "verify-task": { brief: "verify a task's data for the console", internal: true, load: async () => (await import("./verify-task")).default },
};
