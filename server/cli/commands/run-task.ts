import type { CliCommand } from "../command";
import { UsageError } from "../args";
import { closeDb } from "../../db/client";
import { dataDir } from "../../paths";
import { runStoredTask } from "../../runner/run-stored-task";

/**
 * Runs a task stored by the console. The console starts one such process per running task, so a
 * full synchronization never competes with the pages for the console's thread, and a crash of the
 * engine cannot take the console down. Status: one JSON line per second on stdout. Stop: SIGTERM
 * (the task is paused) or an IPC message {"stop": "paused"|"finished"}.
 */
const command: CliCommand = {
  name: "run-task",
  summary: "Run a synchronization task stored in the database by its id (used by the console).",
  usage: "run-task --id TASK_ID [--skip-precheck]",
  flags: [
    { name: "id", value: true, valueName: "TASK_ID", help: "the task's id" },
    { name: "skip-precheck", value: false, help: "start without running the precheck (the console ran it)" },
  ],
  async run(args, io) {
    const id = args.flags.id;
    if (typeof id !== "string" || !id) throw new UsageError("--id TASK_ID is required");
    const controller = new AbortController();
    let stopState: "paused" | "finished" = "paused";
    io.signal.addEventListener("abort", () => controller.abort(), { once: true });
    const onMessage = (m: unknown) => {
      const stop = (m as { stop?: string })?.stop;
      if (stop === "paused" || stop === "finished") {
        stopState = stop;
        controller.abort();
      }
    };
    process.on("message", onMessage);
    // The console going away must not leave an orphan engine running.
    const onDisconnect = () => controller.abort();
    process.on("disconnect", onDisconnect);
    try {
      const final = await runStoredTask({
        taskId: id,
        dataDir: dataDir(),
        signal: controller.signal,
        get stopState() {
          return stopState;
        },
        skipPrecheck: Boolean(args.flags["skip-precheck"]),
        echo: (level, message) => io.stderr.write(`[${level}] ${message}\n`),
        onStatus: (s) => io.stdout.write(JSON.stringify(s) + "\n"),
      });
      return final.state === "failed" || final.state === "precheck_failed" ? 1 : 0;
    } finally {
      // A 'message' or 'disconnect' listener keeps the IPC channel referenced: the process would never exit.
      process.off("message", onMessage);
      process.off("disconnect", onDisconnect);
      await closeDb();
    }
  },
};

export default command;
