import type { CliCommand, CliIO } from "../command";
import type { ParsedArgs } from "../args";
import { CONFLICT_CHOICES, KEY_FILTER_FLAGS, SPEED_LIMIT_FLAGS, choice, databaseOptions, endpointOption, keyFilterOptions, noPositionals, speedLimitOptions } from "../options";
import type { KeyFilterSpec } from "../../engine/filter/key-filter";
import type { SpeedLimits } from "../../engine/limit/speed-limiter";
import type { Endpoint } from "../../engine/endpoint";
import { secretFlagSpecs } from "../endpoint-flags";
import { runPrecheck, type PrecheckResult } from "../../engine/precheck";

interface Options {
  source: Endpoint;
  target: Endpoint;
  dbs?: number[];
  dbMap: Map<number, number>;
  conflict: "intercept" | "ignore";
  sourceReader: "auto" | "psync" | "scan";
  keyFilter: KeyFilterSpec;
  limits: SpeedLimits;
}

/** Bad input is a usage problem (exit 2), whichever parser found it. */
function parseOptions(args: ParsedArgs, io: CliIO): Options {
  noPositionals(args);
  const warn = (line: string) => io.stderr.write(`redis-dts precheck: ${line}\n`);
  const source = endpointOption(args, "source", warn);
  const target = endpointOption(args, "target", warn);
  return { source, target, ...databaseOptions(args), conflict: choice(args, "conflict", CONFLICT_CHOICES), sourceReader: choice(args, "source-reader", ["auto", "psync", "scan"]), keyFilter: keyFilterOptions(args), limits: speedLimitOptions(args) };
}

const MARK = { passed: "PASSED ", warning: "WARNING", failed: "FAILED " } as const;

export function formatTable(result: PrecheckResult): string {
  const width = Math.max(...result.items.map((i) => i.name.length));
  const lines: string[] = [];
  for (const item of result.items) {
    lines.push(`${MARK[item.status]}  ${item.name.padEnd(width)}  ${item.message}`);
    if (item.status !== "passed" && item.fix) lines.push(`${" ".repeat(9 + width + 2)}fix: ${item.fix}`);
  }
  const count = (s: string) => result.items.filter((i) => i.status === s).length;
  const warnings = count("warning");
  const summary = `${count("failed")} failed, ${warnings} ${warnings === 1 ? "warning" : "warnings"}, ${count("passed")} passed`;
  lines.push("", result.passed ? `Precheck passed (${summary}).` : `Precheck failed (${summary}).`);
  return lines.join("\n") + "\n";
}

const command: CliCommand = {
  name: "precheck",
  summary: "Check source and destination before a synchronization: every item with its cause and fix.",
  usage: "precheck --source URI --target URI [--source-mode standalone|cluster] [--target-mode standalone|cluster] [--dbs 0,1] [--db-map 0:0,1:0] [--conflict intercept|ignore] [--source-reader auto|psync|scan] [--include GLOB]... [--exclude GLOB]... [--max-cmds-per-sec N] [--json]",
  flags: [
    { name: "source", value: true, valueName: "URI", help: "source: redis://[user:password@]host:port" },
    { name: "target", value: true, valueName: "URI", help: "destination: redis://[user:password@]host:port" },
    { name: "source-mode", value: true, valueName: "MODE", help: "standalone (default) or cluster" },
    { name: "target-mode", value: true, valueName: "MODE", help: "standalone (default) or cluster" },
    ...secretFlagSpecs("source"),
    ...secretFlagSpecs("target"),
    { name: "dbs", value: true, valueName: "LIST", help: "source databases to synchronize, e.g. 0,1 (default: those holding keys)" },
    { name: "db-map", value: true, valueName: "MAP", help: "source:destination database mapping, e.g. 1:0,2:0" },
    { name: "conflict", value: true, valueName: "MODE", help: "intercept (default: destination must be empty) or ignore (overwrite)" },
    { name: "source-reader", value: true, valueName: "READER", help: "as sync's: auto (default: a source refusing PSYNC is read by the scan reader, whose keyspace notifications are then checked), psync or scan" },
    ...KEY_FILTER_FLAGS,
    ...SPEED_LIMIT_FLAGS,
    { name: "json", value: false, help: 'print one JSON object {"passed", "items": [{"id","name","status","message","fix"}]}' },
  ],
  async run(args, io) {
    const o = parseOptions(args, io);
    const result = await runPrecheck({ source: o.source, target: o.target, dbs: o.dbs, dbMap: o.dbMap, conflict: o.conflict, sourceReader: o.sourceReader, keyFilter: o.keyFilter, limits: o.limits });
    if (args.flags.json) {
      const items = result.items.map(({ id, name, status, message, fix }) => ({ id, name, status, message, fix }));
      io.stdout.write(JSON.stringify({ passed: result.passed, items }) + "\n");
    } else {
      io.stdout.write(formatTable(result));
    }
    return result.passed ? 0 : 1;
  },
};

export default command;
