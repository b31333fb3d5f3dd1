import type { CliCommand } from "../command";
import { UsageError } from "../args";
import { closeDb } from "../../db/client";
import { verifyStoredTask } from "../../runner/verify-stored-task";

/**
 * Runs one data verification of a stored task (used by the console's Data Verification tab, one
 * process per run so a long comparison never blocks the pages). Progress and the result go to the
 * VerificationRun row; SIGTERM cancels. Exit 0 when equal, 1 when different or failed.
 */
const command: CliCommand = {
  name: "verify-task",
  summary: "Verify the data of a task stored in the database (used by the console).",
  usage: "verify-task --id TASK_ID --run RUN_ID [--mode full|quick] [--rounds N]",
  flags: [
    { name: "id", value: true, valueName: "TASK_ID", help: "the task's id" },
    { name: "run", value: true, valueName: "RUN_ID", help: "the VerificationRun row to fill in" },
    { name: "mode", value: true, valueName: "full|quick", help: "full: type, value and TTL of every key (default); quick: key sets, types, lengths, TTL presence" },
    { name: "rounds", value: true, valueName: "N", help: "checks of a difference before it is reported (default 3)" },
  ],
  async run(args, io) {
    const { id, run, mode = "full", rounds = "3" } = args.flags;
    if (typeof id !== "string" || !id) throw new UsageError("--id TASK_ID is required");
    if (typeof run !== "string" || !run) throw new UsageError("--run RUN_ID is required");
    if (mode !== "full" && mode !== "quick") throw new UsageError("--mode must be full or quick");
    if (typeof rounds !== "string" || !/^\d{1,2}$/.test(rounds) || Number(rounds) < 1) throw new UsageError("--rounds must be a number from 1 to 99");
    const controller = new AbortController();
    io.signal.addEventListener("abort", () => controller.abort(), { once: true });
    // The console going away must not leave an orphan comparison running.
    const onDisconnect = () => controller.abort();
    process.on("disconnect", onDisconnect);
    try {
      const result = await verifyStoredTask({ taskId: id, runId: run, mode, rounds: Number(rounds), signal: controller.signal });
      return result?.equal ? 0 : 1;
    } finally {
      // A 'disconnect' listener keeps the IPC channel referenced: the process would never exit.
      process.off("disconnect", onDisconnect);
      await closeDb();
    }
  },
};

export default command;
