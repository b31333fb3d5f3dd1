import os from "node:os";
import type { CliCommand } from "../command";
import { UsageError } from "../args";
import { closeDb } from "../../db/client";
import { dataDir } from "../../paths";
import { runWorker } from "../../runner/worker/run-worker";
import { evaluateAlerts } from "../../runner/worker/alert-hook";

/**
 * `redis-dts worker`: runs shards (source masters) of the running tasks stored in PostgreSQL. Start
 * any number, on any number of machines, against the same DATABASE_URL (and REDIS_DTS_SECRET) as the
 * console. SIGTERM: every shard stops after a final checkpoint and is given back to the others.
 */
const command: CliCommand = {
  name: "worker",
  summary: "Run shards of the tasks stored in PostgreSQL (DATABASE_URL), sharing them with every other worker. SIGTERM hands its shards over after a final checkpoint.",
  usage: "worker [--name NAME] [--max-shards N] [--json]",
  flags: [
    { name: "name", value: true, valueName: "NAME", help: "the name the status page and `redis-dts status` show for this worker (default: host-pid)" },
    { name: "max-shards", value: true, valueName: "N", help: "run at most N shards at once (default: the number of cores)" },
    { name: "json", value: false, help: "print one JSON object per worker event (claimed, released, lost, stopped-writing…) on stdout" },
  ],
  async run(args, io) {
    const name = typeof args.flags.name === "string" ? args.flags.name.trim() : `${os.hostname()}-${process.pid}`;
    if (!name || /[\x00-\x1f\x7f]/.test(name) || name.length > 64) throw new UsageError("--name must be 1 to 64 printable characters");
    const rawMax = args.flags["max-shards"];
    const maxShards = rawMax === undefined ? os.availableParallelism() : Number(rawMax);
    if (!Number.isInteger(maxShards) || maxShards < 1 || maxShards > 1024) throw new UsageError("--max-shards must be a whole number from 1 to 1024");
    const json = Boolean(args.flags.json);
    try {
      await runWorker({
        name,
        maxShards,
        dataDir: dataDir(),
        signal: io.signal,
        echo: (level, message) => io.stderr.write(`[${level}] ${message}\n`),
        onEvent: json ? (e) => io.stdout.write(JSON.stringify(e) + "\n") : undefined,
        onTaskStatus: evaluateAlerts,
      });
      return 0;
    } finally {
      await closeDb();
    }
  },
};

export default command;
