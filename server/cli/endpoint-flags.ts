import { readFileSync } from "node:fs";
import { UsageError, type FlagSpec, type ParsedArgs } from "./args";
import { DtsError } from "../engine/errors";
import { parseMode, parseRedisUri, type Endpoint } from "../engine/endpoint";

/**
 * A side's connection from the command line, its secret kept out of argv: `ps` shows every process's
 * arguments to every local user, so the password comes from REDIS_DTS_<SIDE>_PASSWORD or
 * --<side>-password-file. A password in the URI still works, with a one-line warning.
 */
export type CliSide = "source" | "target";

export const PASSWORD_ENV: Record<CliSide, string> = { source: "REDIS_DTS_SOURCE_PASSWORD", target: "REDIS_DTS_TARGET_PASSWORD" };

/** The flags every command that connects to `side` accepts besides --<side> and --<side>-mode. */
export function secretFlagSpecs(side: CliSide): FlagSpec[] {
  return [
    {
      name: `${side}-password-file`,
      value: true,
      valueName: "FILE",
      help: `read the ${side} password from FILE (one line; else ${PASSWORD_ENV[side]}; keeps it out of the process list)`,
    },
  ];
}

/** A password file: its text up to the first line end; unreadable or empty is one clear line. */
function readPasswordFile(flag: string, file: string): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "it is a directory" : (code ?? "unreadable");
    throw new UsageError(`--${flag}: cannot read ${file}: ${why}`);
  }
  const password = text.replace(/\r?\n[\s\S]*$/, "");
  if (!password) throw new UsageError(`--${flag}: ${file} is empty: write the password on its first line`);
  return password;
}

export interface EndpointFromFlagsOptions {
  env?: Record<string, string | undefined>;
  /** one line for stderr */
  warn: (line: string) => void;
}

/** Parses --<side> (required), --<side>-mode and the secret flags into an Endpoint; bad input is a UsageError. */
export function endpointFromFlags(side: CliSide, flags: ParsedArgs["flags"], { env = process.env, warn }: EndpointFromFlagsOptions): Endpoint {
  const uri = flags[side];
  if (typeof uri !== "string") throw new UsageError(`--${side} URI is required`);
  let endpoint: Endpoint;
  try {
    endpoint = parseRedisUri(uri, parseMode(flags[`${side}-mode`], `${side}-mode`));
  } catch (err) {
    if (err instanceof DtsError && (err.code === "INVALID_URI" || err.code === "INVALID_CONFIG")) {
      throw new UsageError(err.message.startsWith("--") ? err.message : `--${side}: ${err.message}`);
    }
    throw err;
  }
  const fileFlag = `${side}-password-file`;
  const file = flags[fileFlag];
  if (endpoint.password !== undefined) {
    if (typeof file === "string") throw new UsageError(`--${side} carries a password and --${fileFlag} gives another: give it once`);
    warn(`warning: the --${side} URI carries a password, which every local user can read in the process list; use ${PASSWORD_ENV[side]} or --${fileFlag} instead`);
    return endpoint;
  }
  if (typeof file === "string") return { ...endpoint, password: readPasswordFile(fileFlag, file) };
  const fromEnv = env[PASSWORD_ENV[side]];
  return fromEnv ? { ...endpoint, password: fromEnv } : endpoint;
}
