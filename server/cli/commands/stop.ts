import type { CliCommand } from "../command";
import { closeDb } from "../../db/client";
import { DtsError } from "../../errors";
import { pauseTask } from "../../tasks/pause-task";
import { waitForWorkersToRelease } from "../../runner/worker/wait-for-release";
import { taskByName } from "./task-by-name";
import { signalLocalTaskHolder } from "../../runner/signal-task-holder";

/**
 * `stop --task NAME`: the task stops after a final checkpoint and stays paused (`resume` continues
 * from the checkpoints, as running `sync` again does). Waits until no worker runs its shards.
 */
const command: CliCommand = {
  name: "stop",
  summary: "Stop a running task: its engines stop after a final checkpoint and the task is paused (resume continues with PSYNC).",
  usage: "stop --task NAME [--no-wait]",
  flags: [
    { name: "task", value: true, valueName: "NAME", help: "the task's name" },
    { name: "no-wait", value: false, help: "return at once instead of waiting (up to 60 s) until every worker has given the task's shards back" },
  ],
  async run(args, io) {
    try {
      const { task, name } = await taskByName(args);
      if (task.state === "paused") {
        io.stderr.write(`task "${name}" is already stopped (paused)\n`);
        return 0;
      }
      await pauseTask({ id: task.id, by: "redis-dts stop" }).catch((err) => {
        throw err instanceof DtsError ? new DtsError(err.code, `task "${name}" is ${task.state}: only an initializing or synchronizing task can be stopped`) : err;
      });
      // a `sync` (or a console engine) of this machine that runs the task stops after a final checkpoint
      const local = signalLocalTaskHolder(task);
      if (local) io.stderr.write(`asked ${local} to stop\n`);
      if (!args.flags["no-wait"]) {
        const released = await waitForWorkersToRelease(task.id, 60_000, io.signal);
        if (!released) io.stderr.write(`redis-dts stop: a worker still runs a shard of "${name}" after 60 s; it stops at its next lease renewal\n`);
      }
      io.stderr.write(`task "${name}" stopped (paused)\n`);
      return 0;
    } finally {
      await closeDb();
    }
  },
};

export default command;
