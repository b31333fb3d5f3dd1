import type { CliCommand } from "../command";
import { UsageError } from "../args";
import { CONFLICT_CHOICES, KEY_FILTER_FLAGS, SPEED_LIMIT_FLAGS, choice, databaseOptions, endpointOption, keyFilterOptions, speedLimitOptions } from "../options";
import { formatAddress, type Endpoint } from "../../engine/endpoint";
import { secretFlagSpecs } from "../endpoint-flags";
import type { SyncSnapshot } from "../../engine/sync/sync-task";
import { findOrCreateTaskByName } from "../../db/task/find-or-create-task-by-name";
import { updateTask } from "../../db/task/update-task";
import { saveEndpoint } from "../../db/endpoint/save-endpoint";
import { closeDb } from "../../db/client";
import { runStoredTask } from "../../runner/run-stored-task";
import { startDetachedTask } from "../../tasks/start-detached-task";
import { dataDir } from "../../paths";
import { SCAN_READER_LABEL, ZTaskNameSchema } from "../../../contracts/task.types";
import { FullSyncBar } from "../progress-bar";

function progressLine(s: SyncSnapshot): string {
  const shards = s.shards.map((x) => `${x.source} ${x.appliedOffset ?? "-"}/${x.offset ?? "-"}`).join(", ");
  const full = s.fullSync.done ? "" : ` full sync ${s.fullSync.keys} keys ${(s.fullSync.bytes / 1e6).toFixed(1)} MB${s.fullSync.totalBytes ? ` of ${(s.fullSync.totalBytes / 1e6).toFixed(1)} MB` : ""}`;
  const d = s.divergence;
  const diverged = d.refused + d.inexact > 0 ? ` | ${d.refused} refused, ${d.inexact} inexact writes` : "";
  const pubsub = s.pubsub ? ` | pub/sub ${s.pubsub.forwarded} forwarded${s.pubsub.dropped ? `, ${s.pubsub.dropped} dropped` : ""}` : "";
  const throttled = s.throttled ? ` | ${s.throttled}` : "";
  return `${s.state}${full}${throttled} | ${s.opsPerSec} ops/s | latency ${s.latencyMs ?? "-"} ms${pubsub} | ${shards}${diverged}${s.warnings.length ? ` | ${s.warnings.join("; ")}` : ""}${s.error ? ` | ${s.error}` : ""}`;
}

const command: CliCommand = {
  name: "sync",
  summary: "Synchronize a source Redis deployment to a destination: full data, then every write. Runs until stopped (Ctrl-C stops cleanly after a final checkpoint); running it again resumes.",
  usage: "sync --task NAME --source URI --target URI [--source-mode standalone|cluster] [--target-mode standalone|cluster] [--dbs 0,1] [--db-map 0:0,1:0] [--conflict intercept|ignore] [--source-reader auto|psync|scan] [--include GLOB]... [--exclude GLOB]... [--max-keys-per-sec N] [--max-mb-per-sec N] [--max-cmds-per-sec N] [--on-inexact pause|skip|fail] [--skip-unsupported] [--wait] [--json] [--detach]",
  flags: [
    { name: "task", value: true, valueName: "NAME", help: "task name: its state and checkpoints are stored under it (same database as the console)" },
    { name: "source", value: true, valueName: "URI", help: "redis://[user:password@]host:port of the source (any node of a cluster)" },
    { name: "target", value: true, valueName: "URI", help: "redis://[user:password@]host:port of the destination" },
    { name: "source-mode", value: true, valueName: "MODE", help: "standalone (default) or cluster" },
    { name: "target-mode", value: true, valueName: "MODE", help: "standalone (default) or cluster" },
    ...secretFlagSpecs("source"),
    ...secretFlagSpecs("target"),
    { name: "dbs", value: true, valueName: "LIST", help: "source databases to synchronize (default: all)" },
    { name: "db-map", value: true, valueName: "MAP", help: "source:destination database pairs, e.g. 1:0 (default: the same number; into a cluster destination every database goes to 0, and the precheck warns about merged databases)" },
    { name: "conflict", value: true, valueName: "MODE", help: "intercept (default: the destination must be empty) or ignore (overwrite keys of the same name)" },
    ...KEY_FILTER_FLAGS,
    ...SPEED_LIMIT_FLAGS,
    { name: "initial-sync", value: true, valueName: "MODE", help: "full (default: full data + incremental) or incremental (incremental data only)" },
    { name: "source-reader", value: true, valueName: "READER", help: "auto (default: PSYNC, or the scan reader when the source refuses PSYNC), psync, or scan (SCAN + DUMP, then keyspace notifications: for sources that refuse SYNC/PSYNC; best effort: verify before switching)" },
    { name: "ignore-flush", value: false, help: "do not apply FLUSHDB/FLUSHALL from the source" },
    { name: "on-inexact", value: true, valueName: "POLICY", help: "what a write the destination refuses or the engine cannot apply exactly does: pause (default: stop at it, resume after fixing the cause; exit 4), skip (record its keys for Data Verification and go on) or fail" },
    { name: "skip-precheck", value: false, help: "start without running the precheck" },
    { name: "wait", value: false, help: "when another redis-dts process runs this task, wait until it stops (or its lease expires) instead of exiting with 1" },
    { name: "skip-unsupported", value: false, help: "exit 0 when stopped although writes were refused or applied inexactly under --on-inexact skip (they are still recorded); without it such a run exits 1" },
    { name: "json", value: false, help: "print one JSON status object per line, at least every second" },
    { name: "detach", value: false, help: "store and start the task for `redis-dts worker` processes (PostgreSQL), print its id and exit; `status`, `stop`, `resume` follow it" },
  ],
  async run(args, io) {
    const f = args.flags;
    const name = typeof f.task === "string" ? f.task.trim() : "";
    if (!name) throw new UsageError("--task NAME is required");
    const validName = ZTaskNameSchema.safeParse(name);
    if (!validName.success) throw new UsageError(`--task: ${validName.error.issues[0].message}`);
    if (/[\x00-\x1f\x7f]/.test(name)) throw new UsageError("--task: a task name cannot contain control characters");
    const warn = (line: string) => io.stderr.write(`redis-dts sync: ${line}\n`);
    const source: Endpoint = endpointOption(args, "source", warn);
    const target: Endpoint = endpointOption(args, "target", warn);
    const { dbs, dbMap } = databaseOptions(args);
    const conflict = choice(args, "conflict", CONFLICT_CHOICES);
    const initial = choice(args, "initial-sync", ["full", "incremental"]);
    const onInexact = choice(args, "on-inexact", ["pause", "skip", "fail"]);
    const sourceReader = choice(args, "source-reader", ["auto", "psync", "scan"]);
    const keyFilter = keyFilterOptions(args);
    const speedLimits = speedLimitOptions(args);
    if (target.mode === "cluster") {
      for (const [from, to] of dbMap) if (to !== 0) throw new UsageError(`--db-map ${from}:${to}: a cluster destination has only database 0`);
    }

    try {
      const task = await findOrCreateTaskByName({ name });
      // Stored only once this process holds the task's lease: a second `sync` on a running task is
      // refused without changing what the first one runs.
      const prepare = async () => {
        await saveEndpoint({ taskId: task.id, role: "source", host: source.host, port: source.port, mode: source.mode, username: source.username ?? null, password: source.password ?? null, tls: source.tls ?? null });
        await saveEndpoint({ taskId: task.id, role: "destination", host: target.host, port: target.port, mode: target.mode, username: target.username ?? null, password: target.password ?? null, tls: target.tls ?? null });
        await updateTask({
          id: task.id,
          data: {
            conflictMode: conflict,
            selectedDbs: dbs ?? [],
            dbMap: Object.fromEntries([...dbMap].map(([k, v]) => [String(k), v])),
            initialSync: initial === "incremental" ? "incremental_only" : "full_and_incremental",
            sourceReader,
            options: { ignoreFlush: Boolean(f["ignore-flush"]), onInexact },
            keyFilter,
            speedLimits,
            wizardStep: 5,
          },
        });
      };
      if (f.detach) {
        await startDetachedTask({ id: task.id, name, prepare, skipPrecheck: Boolean(f["skip-precheck"]), echo: (level, m) => io.stderr.write(`[${level}] ${m}\n`) });
        io.stdout.write(`${task.id}\n`);
        return 0;
      }
      let last = "";
      // on a terminal the status line is redrawn in place: an event is written above it
      const echo = f.json ? undefined : (level: string, message: string) => io.stderr.write(io.isTTY ? `\r\x1b[K[${level}] ${message}\n${last}` : `[${level}] ${message}\n`);
      const bar = new FullSyncBar();
      const final = await runStoredTask({
        taskId: task.id,
        dataDir: dataDir(),
        signal: io.signal,
        skipPrecheck: Boolean(f["skip-precheck"]),
        prepare,
        echo,
        waitForLease: Boolean(f.wait),
        onWaiting: (message) => io.stderr.write(`[info] ${message}\n`),
        onStatus: (s) => {
          if (f.json) {
            const { state, fullSync, shards, latencyMs, opsPerSec, warnings, divergence, error, pubsub, sourceReader, limits, throttled, keyFilter: filter } = s;
            io.stdout.write(
              JSON.stringify({
                state,
                fullSync: { keys: fullSync.keys, bytes: fullSync.bytes, done: fullSync.done, totalBytes: fullSync.totalBytes },
                shards: shards.map(({ source, replid, offset, appliedOffset, waiting }) => ({ source, replid, offset, appliedOffset, ...(waiting ? { waiting } : {}) })),
                latencyMs,
                opsPerSec,
                ...(warnings.length ? { warnings } : {}),
                divergence,
                ...(error ? { error } : {}),
                ...(pubsub ? { pubsub } : {}),
                ...(sourceReader ? { sourceReader } : {}),
                limits,
                ...(throttled ? { throttled } : {}),
                ...(filter ? { keyFilter: filter } : {}),
              }) + "\n",
            );
          } else {
            // a terminal shows the full sync as a bar, then one status line; a pipe gets lines as before
            const copying = io.isTTY && s.state === "initializing" && !s.fullSync.done && s.fullSync.bytes > 0;
            const line = copying ? bar.render(s.fullSync, Date.now()) : progressLine(s);
            if (io.isTTY) io.stderr.write(`\r\x1b[K${line}`);
            else if (line !== last) io.stderr.write(line + "\n");
            last = line;
          }
        },
      });
      if (!f.json && io.isTTY) io.stderr.write("\n");
      if (!f.json) io.stderr.write(`task "${name}" ${final.state}: ${formatAddress(source)} -> ${formatAddress(target)}${final.error ? `: ${final.error}` : ""}\n`);
      // the scan reader copies keys, not a log: the run ends with the way to check it
      if (final.sourceReader === "scan") {
        io.stderr.write(`redis-dts sync: the source was read by the scan reader (${SCAN_READER_LABEL}): redis-dts compare --source ${source.tls ? "rediss" : "redis"}://${formatAddress(source)}${source.mode === "cluster" ? " --source-mode cluster" : ""} --target ${target.tls ? "rediss" : "redis"}://${formatAddress(target)}${target.mode === "cluster" ? " --target-mode cluster" : ""}\n`);
      }
      if (final.state === "failed" || final.state === "precheck_failed") return 1;
      // paused by the divergence policy: a script must not read this as a clean stop
      if (final.divergence.haltedBy) return 4;
      // one exit policy with `rdb load`: writes skipped under --on-inexact skip are not a clean run
      const d = final.divergence;
      if (d.refused + d.inexact > 0 && !f["skip-unsupported"]) {
        io.stderr.write(
          `redis-dts sync: not everything was written: ${d.refused} writes refused by the destination, ${d.inexact} not applied exactly (their keys are in the task's events; Data Verification checks them first); --skip-unsupported accepts that and exits 0\n`,
        );
        return 1;
      }
      return 0;
    } finally {
      await closeDb();
    }
  },
};

export default command;
