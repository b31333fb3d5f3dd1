import type { CliCommand, CliIO } from "../command";
import type { ParsedArgs } from "../args";
import { KEY_FILTER_FLAGS, choice, databaseOptions, endpointOption, keyFilterOptions, noPositionals } from "../options";
import type { KeyFilterSpec } from "../../engine/filter/key-filter";
import { DtsError, describeError } from "../../errors";
import type { Endpoint } from "../../engine/endpoint";
import { secretFlagSpecs } from "../endpoint-flags";
import { compare, type CompareMode, type CompareProgress, type CompareResult } from "../../engine/compare";

/**
 * `redis-dts compare`: exit 0 when both sides hold the same data, 1 when they differ, 2 on a usage
 * error, 3 when the comparison could not run (a side unreachable, refused, not Redis), 130 when
 * interrupted. The `--json` object's six fields are a contract scripts rely on.
 */

interface Options {
  source: Endpoint;
  target: Endpoint;
  dbs?: number[];
  dbMap: Map<number, number>;
  mode: CompareMode;
  keyFilter: KeyFilterSpec;
}

function parseOptions(args: ParsedArgs, io: CliIO): Options {
  noPositionals(args);
  const warn = (line: string) => io.stderr.write(`redis-dts compare: ${line}\n`);
  const source = endpointOption(args, "source", warn);
  const target = endpointOption(args, "target", warn);
  return { source, target, ...databaseOptions(args), mode: choice(args, "mode", ["full", "quick"]), keyFilter: keyFilterOptions(args) };
}

const n = (x: number) => x.toLocaleString("en-US");

function progressLine(p: CompareProgress): string {
  const of = p.estimatedTotal > 0 ? ` of ~${n(p.estimatedTotal)}` : "";
  const what = p.phase === "source" ? "comparing" : p.phase === "target" ? "looking for extra keys" : "re-checking";
  return `${what}: ${n(p.keys + p.targetKeys)}${of} keys seen · missing ${n(p.missing)} · extra ${n(p.extra)} · different ${n(p.different)} · to re-check ${n(p.pendingRechecks)}`;
}

export function formatResult(r: CompareResult): string {
  const lines = [
    `Compared ${n(r.keys)} source keys (${r.mode} mode, ${r.rounds} checks per difference) in ${(r.durationMs / 1000).toFixed(1)} s: ` +
      `${n(r.missing)} missing, ${n(r.extra)} extra, ${n(r.different)} different.`,
  ];
  if (r.samples.length > 0) {
    const kindWidth = Math.max(...r.samples.map((s) => s.kind.length));
    const dbs = (s: CompareResult["samples"][number]) => (s.db === s.targetDb ? `db${s.db}` : `db${s.db}->db${s.targetDb}`);
    const dbWidth = Math.max(...r.samples.map((s) => dbs(s).length));
    lines.push("");
    for (const s of r.samples) lines.push(`  ${s.kind.padEnd(kindWidth)}  ${dbs(s).padEnd(dbWidth)}  ${s.key}  (${s.detail})`);
    const total = r.missing + r.extra + r.different;
    if (r.samplesTruncated) lines.push(`  … ${n(total - r.samples.length)} more not listed`);
    lines.push("");
  }
  lines.push(r.equal ? "The source and the target hold the same data." : "The source and the target differ.");
  return lines.join("\n") + "\n";
}

async function runCompare(o: Options, json: boolean, debug: boolean, io: CliIO): Promise<number> {
  let drawn = false;
  const onProgress = io.isTTY
    ? (p: CompareProgress) => {
        io.stderr.write(`\r\x1b[2K${progressLine(p)}`);
        drawn = true;
      }
    : undefined;
  try {
    const result = await compare({ source: o.source, target: o.target, dbs: o.dbs, dbMap: o.dbMap, mode: o.mode, keyFilter: o.keyFilter, onProgress, signal: io.signal });
    if (drawn) io.stderr.write("\r\x1b[2K");
    if (json) {
      const { equal, keys, missing, extra, different, samples } = result;
      io.stdout.write(JSON.stringify({ equal, keys, missing, extra, different, samples }) + "\n");
    } else {
      io.stdout.write(formatResult(result));
    }
    return result.equal ? 0 : 1;
  } catch (err) {
    if (drawn) io.stderr.write("\r\x1b[2K");
    // any failure means "could not compare", never "different" (exit 1): scripts branch on it
    io.stderr.write(`redis-dts compare: ${describeError(err)}\n`);
    if (debug && err instanceof Error && err.stack) io.stderr.write(err.stack + "\n");
    return err instanceof DtsError && err.code === "CANCELLED" ? 130 : 3;
  }
}

const command: CliCommand = {
  name: "compare",
  summary:
    "Verify that the target holds the source's data: full = every key's type, value and TTL; quick = key sets, types, lengths and TTL presence. " +
    "Differences are checked again after a delay (3 checks) and only those that stay are reported. Exit 0 equal, 1 different, 2 usage error, 3 cannot compare.",
  usage: "compare --source URI --target URI [--source-mode standalone|cluster] [--target-mode standalone|cluster] [--dbs 0,1] [--db-map 0:0,1:0] [--mode full|quick] [--include GLOB]... [--exclude GLOB]... [--json]",
  flags: [
    { name: "source", value: true, valueName: "URI", help: "source: redis://[user:password@]host:port" },
    { name: "target", value: true, valueName: "URI", help: "destination: redis://[user:password@]host:port" },
    { name: "source-mode", value: true, valueName: "MODE", help: "standalone (default) or cluster" },
    { name: "target-mode", value: true, valueName: "MODE", help: "standalone (default) or cluster" },
    ...secretFlagSpecs("source"),
    ...secretFlagSpecs("target"),
    { name: "dbs", value: true, valueName: "LIST", help: "source databases to compare, e.g. 0,1 (default: those holding keys on either side)" },
    { name: "db-map", value: true, valueName: "MAP", help: "source:destination database mapping, e.g. 1:0,2:0" },
    { name: "mode", value: true, valueName: "MODE", help: "full (default) or quick" },
    ...KEY_FILTER_FLAGS,
    { name: "json", value: false, help: 'print one JSON object {"equal","keys","missing","extra","different","samples":[…]}' },
  ],
  async run(args, io) {
    return runCompare(parseOptions(args, io), Boolean(args.flags.json), Boolean(args.flags.debug), io);
  },
};

export default command;
