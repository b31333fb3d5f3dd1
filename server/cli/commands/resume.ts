import type { CliCommand } from "../command";
import { closeDb } from "../../db/client";
import { markResumed } from "../../tasks/resume-task";
import { findWorkers } from "../../db/worker/find-workers";
import { databaseConfig } from "../../db/url";
import { taskByName } from "./task-by-name";

/** `resume --task NAME`: a paused task runs again from its checkpoints, on the workers. */
const command: CliCommand = {
  name: "resume",
  summary: "Resume a stopped (paused) task from its checkpoints: the workers take its shards again (PSYNC, no new full sync).",
  usage: "resume --task NAME",
  flags: [{ name: "task", value: true, valueName: "NAME", help: "the task's name" }],
  async run(args, io) {
    try {
      const { task, name } = await taskByName(args);
      const resumed = await markResumed({ id: task.id, by: "redis-dts resume" });
      io.stderr.write(`task "${name}" ${resumed?.state}\n`);
      const workers = databaseConfig().provider === "postgresql" ? await findWorkers({}) : [];
      if (workers.length === 0) io.stderr.write(`redis-dts resume: no worker is running on this database; start \`redis-dts worker\` (or run \`redis-dts sync --task ${name} …\` again)\n`);
      return 0;
    } finally {
      await closeDb();
    }
  },
};

export default command;
