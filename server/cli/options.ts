import { DtsError } from "../errors";
import { parseDbList, parseDbMap, parseMode, parseRedisUri, type Endpoint } from "../engine/endpoint";
import { UsageError, type ParsedArgs } from "./args";
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
