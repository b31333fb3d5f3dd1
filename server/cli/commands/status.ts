import type { CliCommand } from "../command";
import { closeDb } from "../../db/client";
import { taskStatusFromShards } from "../../runner/worker/task-status";
import { taskByName } from "./task-by-name";

/**
 * `status --task NAME`: the task's status as `sync --json` prints it, put together from what its
 * workers store for each shard (each shard names its `worker` and since when it runs it).
 */
const command: CliCommand = {
  name: "status",
  summary: "Print a stored task's status: state, full sync, latency, ops/s, refused/inexact writes, and each shard with the worker that runs it.",
  usage: "status --task NAME [--json]",
  flags: [
    { name: "task", value: true, valueName: "NAME", help: "the task's name" },
    { name: "json", value: false, help: "print the status object `sync --json` prints (each shard with `worker` and `since`)" },
  ],
  async run(args, io) {
    try {
      const { task, name } = await taskByName(args);
      const s = (await taskStatusFromShards(task.id))!;
      if (args.flags.json) {
        const { state, fullSync, shards, latencyMs, opsPerSec, warnings, divergence, error, pubsub } = s;
        io.stdout.write(
          JSON.stringify({
            state,
            fullSync: { keys: fullSync.keys, bytes: fullSync.bytes, done: fullSync.done, totalBytes: fullSync.totalBytes },
            shards: shards.map(({ source, replid, offset, appliedOffset, waiting, worker, since, shard, phase }) => ({ source, replid, offset, appliedOffset, ...(waiting ? { waiting } : {}), shard, phase, worker, since })),
            latencyMs,
            opsPerSec,
            ...(warnings.length ? { warnings } : {}),
            divergence,
            ...(error ? { error } : {}),
            ...(pubsub ? { pubsub } : {}),
          }) + "\n",
        );
        return 0;
      }
      const lines = [
        `task "${name}": ${s.state}${s.error ? ` (${s.error})` : ""}`,
        `full sync: ${s.fullSync.done ? "done" : `${s.fullSync.keys} keys, ${(s.fullSync.bytes / 1e6).toFixed(1)} MB`} | ${s.opsPerSec} ops/s | latency ${s.latencyMs ?? "-"} ms | ${s.divergence.refused} refused, ${s.divergence.inexact} inexact writes`,
        ...s.shards.map((x) => `  ${x.source.padEnd(22)} ${x.phase.padEnd(12)} ${x.appliedOffset ?? "-"}/${x.offset ?? "-"}  ${x.worker ? `worker ${x.worker} since ${x.since}` : "no worker"}`),
        ...s.warnings.map((w) => `  ! ${w}`),
      ];
      if (s.shards.length === 0) lines.push("  (no shards on workers: the task runs in a `redis-dts sync` or the console's own engine, or it is not running)");
      io.stdout.write(lines.join("\n") + "\n");
      return 0;
    } finally {
      await closeDb();
    }
  },
};

export default command;
