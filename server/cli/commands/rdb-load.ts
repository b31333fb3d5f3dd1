import { UsageError } from "../args";
import type { CliCommand, CliIO } from "../command";
import { CONFLICT_CHOICES, KEY_FILTER_FLAGS, choice, databaseOptions, endpointOption, keyFilterOptions } from "../options";
import { keyFilterOf } from "../../engine/filter/key-filter";
import { secretFlagSpecs } from "../endpoint-flags";
import { DtsError, describeError } from "../../errors";
import { clusterDbError } from "../../engine/loader/loader";
import { RdbLoader, loadRdbFile, type LoadProgress, type LoadStats } from "../../engine/loader";
import { openWriter } from "../../engine/writer/open-writer";
import { verifyRdbFile } from "../../engine/loader/verify-rdb-file";
import { statSync } from "node:fs";

const SUMMARY = `Load an RDB file into a Redis deployment (standalone or cluster).

The whole file is read first (its structure and checksum): a truncated or damaged file is refused
before any key is written (--no-verify skips that pass for a file known good). An error once writing
began says how many keys were written.

Values are written with RESTORE when the destination reads their encoding, otherwise (older
destinations, values above 8 MB) with ordinary commands in bounded batches. TTLs are absolute;
keys already expired are skipped and counted. --conflict intercept (default) reports keys that
already exist and leaves them alone (exit 1); --conflict ignore overwrites them. A cluster
destination has only database 0: map other databases with --db-map 1:0 or select with --dbs.
Prints a summary (keys written, skipped as expired, bytes, seconds) and exits 0 when every key
was written. Anything not written exits 1: keys the destination refused, and what it cannot take
(module values and module data of a type it does not load, function libraries, values written
inexactly); --skip-unsupported accepts them (still named on stderr, exit 0).`;

const command: CliCommand = {
  name: "rdb load",
  summary: SUMMARY,
  usage: "rdb load FILE --target URI [--target-mode standalone|cluster] [--conflict intercept|ignore] [--dbs 0,1] [--db-map 1:0] [--include GLOB]... [--exclude GLOB]... [--skip-unsupported] [--no-verify]",
  flags: [
    { name: "target", value: true, valueName: "URI", help: "redis://[user:password@]host:port of the destination" },
    { name: "target-mode", value: true, valueName: "MODE", help: "standalone (default) or cluster" },
    ...secretFlagSpecs("target"),
    { name: "conflict", value: true, valueName: "POLICY", help: "intercept (default: existing keys are errors) or ignore (overwrite)" },
    { name: "dbs", value: true, valueName: "LIST", help: "source databases to load, e.g. 0,1 (default: all)" },
    { name: "db-map", value: true, valueName: "MAP", help: "source:destination databases, e.g. 1:0,2:0" },
    ...KEY_FILTER_FLAGS,
    { name: "no-verify", value: false, help: "do not read the whole file (structure, checksum) before writing: for a file known good" },
    { name: "skip-unsupported", value: false, help: "exit 0 although keys or items were not written (refused, module types, functions, inexact values); they are still named" },
  ],
  async run(args, io) {
    const [file, extra] = args.positionals;
    if (!file) throw new UsageError("FILE is required");
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
    const target = endpointOption(args, "target", (line) => io.stderr.write(`redis-dts rdb load: ${line}\n`));
    const conflict = choice(args, "conflict", CONFLICT_CHOICES);
    const { dbs, dbMap } = databaseOptions(args);
    const filter = keyFilterOf(keyFilterOptions(args));

    const started = Date.now();
    if (!args.flags["no-verify"]) {
      let total: number;
      try {
        total = statSync(file).size;
      } catch (err) {
        throw new DtsError("INVALID_CONFIG", `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      try {
        const found = await verifyRdbFile(file, { total, signal: io.signal, onProgress: io.isTTY ? (bytes) => verifying(io, file, bytes, total) : undefined });
        // a database a cluster cannot hold is known now, before any key is written
        if (target.mode === "cluster") {
          for (const db of [...found.dbs].sort((a, b) => a - b)) {
            const to = dbMap.get(db) ?? db;
            if ((!dbs || dbs.includes(db)) && to !== 0) throw clusterDbError(db, to);
          }
        }
      } catch (err) {
        if (err instanceof DtsError && err.code === "RDB_CORRUPT") throw new DtsError("RDB_CORRUPT", `${file} is damaged, nothing was written: ${err.message}`, { cause: err });
        throw err;
      } finally {
        clearProgress(io);
      }
    }
    const warned = new Set<string>();
    const warn = (text: string) => {
      if (warned.size >= 20 || warned.has(text)) return;
      warned.add(text);
      clearProgress(io);
      io.stderr.write(`redis-dts rdb load: ${text}\n`);
    };
    const writer = await openWriter(target, { clientName: "redis-dts-rdb-load", onEvent: (e) => warn(e.message) });
    let stats: LoadStats;
    // every inexact item (module data, a function library, a value written without a part): the
    // summary keeps only the first issues
    let inexact = 0;
    const stop = () => writer.destroy();
    io.signal.addEventListener("abort", stop, { once: true });
    let loader: RdbLoader | undefined;
    try {
      loader = new RdbLoader(writer, {
        conflict,
        dbs,
        dbMap,
        ...(filter ? { keyIncluded: (k: Buffer) => filter.keyIncluded(k) } : {}),
        onIssue: (i) => {
          if (i.kind === "inexact") inexact++;
          if (i.kind === "module" || i.kind === "inexact" || i.kind === "refused") warn(`warning: ${i.message}`);
        },
      });
      stats = await loadRdbFile(file, loader, { signal: io.signal, onProgress: io.isTTY ? (p) => progress(io, file, p, started) : undefined });
      await writer.close();
    } catch (err) {
      if (io.signal.aborted) throw new DtsError("CANCELLED", "rdb load was interrupted: the keys written so far stay on the destination");
      throw new DtsError(err instanceof DtsError ? err.code : "INTERNAL", `${describeError(err)}; ${await writtenSoFar(loader)}`, { cause: err });
    } finally {
      io.signal.removeEventListener("abort", stop);
      writer.destroy();
      clearProgress(io);
    }

    const seconds = (Date.now() - started) / 1000;
    const modules = Object.entries(stats.modulesRefused).map(([m, n]) => `${n} ${m}`);
    io.stdout.write(
      `${stats.written} keys written, ${stats.skippedExpired} skipped as expired` +
        (stats.skippedDb ? `, ${stats.skippedDb} in databases left out` : "") +
        (stats.skippedFilter ? `, ${stats.skippedFilter} left out by the key filter` : "") +
        (modules.length ? `, module values not written: ${modules.join(", ")}` : "") +
        (stats.functions ? `, ${stats.functions} function libraries` : "") +
        `, ${formatBytes(stats.bytes)} in ${seconds.toFixed(2)} s (${Math.round(stats.written / Math.max(seconds, 0.001))} keys/s)\n`,
    );
    const firstConflict = stats.issues.find((i) => i.kind === "conflict");
    if (stats.conflicts > 0) throw new DtsError("CONFLICT", `${stats.conflicts} keys already existed in the destination and were left as they were (first: ${firstConflict?.message ?? "?"}); use --conflict ignore to overwrite them`);
    // one exit policy with `sync`: any key or item not written exits 1 unless --skip-unsupported
    const moduleValues = Object.values(stats.modulesRefused).reduce((a, b) => a + b, 0);
    const refused = stats.failed - moduleValues;
    if (refused + moduleValues + inexact > 0 && !args.flags["skip-unsupported"]) {
      const what = [
        refused ? `${refused} keys refused by the destination` : "",
        moduleValues ? `${moduleValues} module values it cannot load` : "",
        inexact ? `${inexact} items it cannot take as they are (module data, functions, values written inexactly)` : "",
      ].filter(Boolean);
      const first = stats.issues.find((i) => i.kind === "refused" || i.kind === "module" || i.kind === "inexact");
      throw new DtsError("WRITE_REFUSED", `not everything was written: ${what.join(", ")} (first: ${first?.message ?? "?"}); --skip-unsupported accepts that and exits 0`);
    }
    return 0;
  },
};

export default command;

/**
 * After an error once writing began: how many keys the destination holds from this run. A parse
 * error leaves the writer working, so what was sent is awaited (briefly) and counted exactly.
 */
async function writtenSoFar(loader: RdbLoader | undefined): Promise<string> {
  if (!loader || loader.stats.restored + loader.stats.typed === 0) return "no key was written";
  let timer: NodeJS.Timeout | undefined;
  try {
    const stats = await Promise.race([loader.finish(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("timeout")), 10_000)))]);
    return `${stats.written} keys were written before it and stay on the destination`;
  } catch {
    const sent = loader.stats.restored + loader.stats.typed;
    return `${sent} keys were sent before it (how many the destination applied is unknown; they stay there)`;
  } finally {
    clearTimeout(timer);
  }
}

function verifying(io: CliIO, file: string, bytes: number, total: number): void {
  io.stderr.write(`\rverifying ${file}: ${Math.floor((bytes / Math.max(total, 1)) * 100)}%\x1b[K`);
  drawn = true;
}

let drawn = false;

function progress(io: CliIO, file: string, p: LoadProgress, started: number): void {
  const seconds = Math.max((Date.now() - started) / 1000, 0.001);
  const pct = p.total ? ` ${Math.floor((p.bytes / p.total) * 100)}%` : "";
  io.stderr.write(`\rloading ${file}:${pct} ${p.keys} keys, ${formatBytes(p.bytes)} (${Math.round(p.keys / seconds)} keys/s)\x1b[K`);
  drawn = true;
}

function clearProgress(io: CliIO): void {
  if (!drawn) return;
  io.stderr.write("\r\x1b[K");
  drawn = false;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
