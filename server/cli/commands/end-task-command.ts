import type { CliCommand } from "../command";
import { UsageError } from "../args";
import { closeDb } from "../../db/client";
import { endStoredTask } from "../../tasks/end-stored-task";

/**
 * `finish` and `delete`: end a stored task for good. Both remove the task's own keys
 * (DTS_REDIS_TIMESTAMP_HEARTBEAT:<task>:…) from the source and the destination; a side that cannot be
 * reached is a warning, not a failure. Exit 0 when the task was ended, 1 when it could not be.
 */
export function endTaskCommand(how: "finish" | "delete"): CliCommand {
  return {
    name: how,
    summary:
      how === "finish"
        ? "Finish a stopped task for good: its state becomes finished and its own keys (heartbeats, fences) leave both sides; the data stays."
        : "Delete a stopped task with its checkpoints and events; its own keys (heartbeats, fences) leave both sides; the data stays.",
    usage: `${how} --task NAME [--json]`,
    flags: [
      { name: "task", value: true, valueName: "NAME", help: "the task's name (stop its `sync` first)" },
      { name: "json", value: false, help: 'print one JSON object {"task","state","removed":{"source","target"},"warnings":[…]}' },
    ],
    async run(args, io) {
      const name = typeof args.flags.task === "string" ? args.flags.task.trim() : "";
      if (!name) throw new UsageError("--task NAME is required");
      const json = Boolean(args.flags.json);
      try {
        const r = await endStoredTask({ name, how, echo: json ? undefined : (level, m) => io.stderr.write(`[${level}] ${m}\n`) });
        const state = how === "finish" ? "finished" : "deleted";
        if (json) io.stdout.write(JSON.stringify({ task: name, state, removed: { source: r.source, target: r.target }, warnings: r.warnings }) + "\n");
        else io.stderr.write(`task "${name}" ${state}\n`);
        return 0;
      } finally {
        await closeDb();
      }
    },
  };
}
