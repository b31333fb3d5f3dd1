import { DtsError } from "../errors";
import { parseDbList, parseDbMap, parseMode, parseRedisUri, type Endpoint } from "../engine/endpoint";
import { UsageError, type FlagSpec, type ParsedArgs } from "./args";
import { patternProblem, type KeyFilterSpec } from "../engine/filter/key-filter";
import { limitProblem, type SpeedLimits } from "../engine/limit/speed-limiter";
import { endpointFromFlags } from "./endpoint-flags";

/**
 * The options several commands share, parsed once: the endpoints (--source, --target and their
 * modes), the databases (--dbs, --db-map), choices such as --conflict. Every bad value is a usage
 * error (exit 2) that names its flag. Each command keeps its own flag specs and help texts (they
 * are part of its --help).
 */

/** The endpoint parsers throw DtsError INVALID_URI / INVALID_CONFIG: on the command line that is a usage error. */
export function asUsage<T>(parse: () => T, prefix = ""): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof DtsError && (err.code === "INVALID_URI" || err.code === "INVALID_CONFIG")) {
      throw new UsageError(err.message.startsWith("--") ? err.message : `${prefix}${err.message}`);
    }
    throw err;
  }
}

/** A flag that takes text and must be given. */
export function requiredText(args: ParsedArgs, flag: string, valueName: string): string {
  const v = args.flags[flag];
  if (typeof v !== "string") throw new UsageError(`--${flag} ${valueName} is required`);
  return v;
}

/** A flag whose value is one of `allowed` (the first is the default). */
export function choice<const T extends string>(args: ParsedArgs, flag: string, allowed: readonly [T, ...T[]]): T {
  const v = args.flags[flag] ?? allowed[0];
  if (!(allowed as readonly unknown[]).includes(v)) {
    const list = allowed.length === 2 ? allowed.join(" or ") : `${allowed.slice(0, -1).join(", ")} or ${allowed[allowed.length - 1]}`;
    throw new UsageError(`--${flag} must be ${list}`);
  }
  return v as T;
}

export function noPositionals(args: ParsedArgs): void {
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}'`);
}

/**
 * --X URI and --X-mode MODE, with the side's password and TLS flags (endpoint-flags.ts), parsed into an
 * endpoint (a usage error prefixed with the flag); `warn` hears of a password given in the URI.
 */
export function endpointOption(args: ParsedArgs, side: "source" | "target", warn: (line: string) => void = () => {}): Endpoint {
  requiredText(args, side, "URI");
  return endpointFromFlags(side, args.flags, { warn });
}

/** --dbs LIST and --db-map MAP. */
export function databaseOptions(args: ParsedArgs): { dbs: number[] | undefined; dbMap: Map<number, number> } {
  return { dbs: asUsage(() => parseDbList(args.flags.dbs)), dbMap: asUsage(() => parseDbMap(args.flags["db-map"])) };
}

export const CONFLICT_CHOICES = ["intercept", "ignore"] as const;

/** --include GLOB / --exclude GLOB, each repeatable (exclude wins); an empty pattern is a usage error. */
export function keyFilterOptions(args: ParsedArgs): KeyFilterSpec {
  const spec: KeyFilterSpec = { include: args.lists?.include ?? [], exclude: args.lists?.exclude ?? [] };
  for (const [flag, list] of [["include", spec.include], ["exclude", spec.exclude]] as const) {
    for (const p of list) {
      const problem = patternProblem(p);
      if (problem) throw new UsageError(`--${flag}: ${problem}`);
    }
  }
  return spec;
}

export const KEY_FILTER_FLAGS: FlagSpec[] = [
  { name: "include", value: true, valueName: "GLOB", repeatable: true, help: "synchronize only keys matching GLOB (Redis MATCH syntax: * ? [..] \\); repeatable" },
  { name: "exclude", value: true, valueName: "GLOB", repeatable: true, help: "leave out keys matching GLOB, even when an --include matches (exclude wins); repeatable" },
];

/** --max-keys-per-sec, --max-mb-per-sec, --max-cmds-per-sec: numbers above 0, else a usage error. */
export function speedLimitOptions(args: ParsedArgs): SpeedLimits {
  const out: SpeedLimits = {};
  const read = (flag: string): number | null => {
    const v = args.flags[flag];
    if (v === undefined) return null;
    const problem = limitProblem(`--${flag}`, typeof v === "string" ? v : "");
    if (problem) throw new UsageError(problem);
    return Number(v);
  };
  const keys = read("max-keys-per-sec");
  const mb = read("max-mb-per-sec");
  const cmds = read("max-cmds-per-sec");
  if (keys !== null) out.keysPerSec = keys;
  if (mb !== null) out.mbPerSec = mb;
  if (cmds !== null) out.cmdsPerSec = cmds;
  return out;
}

export const SPEED_LIMIT_FLAGS: FlagSpec[] = [
  { name: "max-keys-per-sec", value: true, valueName: "N", help: "full synchronization: write at most N keys a second" },
  { name: "max-mb-per-sec", value: true, valueName: "N", help: "full synchronization: write at most N MB (10^6 bytes of values) a second" },
  { name: "max-cmds-per-sec", value: true, valueName: "N", help: "incremental phase: apply at most N commands a second (the source is still read at full speed into the spool)" },
];
