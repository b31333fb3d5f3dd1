import { readFileSync } from "node:fs";
import { UsageError, type FlagSpec, type ParsedArgs } from "./args";
import { DtsError } from "../errors";
import { parseMode, parseRedisUri, type Endpoint } from "../engine/endpoint";
import { validateTlsMaterial, type TlsConfig } from "../engine/tls";

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
    { name: `${side}-tls-ca`, value: true, valueName: "FILE", help: `TLS toward the ${side} (as rediss://), trusting the CA certificates in FILE (PEM)` },
    { name: `${side}-tls-cert`, value: true, valueName: "FILE", help: `client certificate (PEM) for a ${side} that requires one (with --${side}-tls-key)` },
    { name: `${side}-tls-key`, value: true, valueName: "FILE", help: `private key (PEM) of --${side}-tls-cert` },
    { name: `${side}-tls-servername`, value: true, valueName: "NAME", help: `name the ${side} certificates must carry (also sent as SNI; default: the host)` },
    { name: `${side}-tls-insecure`, value: false, help: `TLS toward the ${side} without verifying its certificate (said in the status and events)` },
  ];
}

/** A PEM file's text; a missing or unreadable file is one clear line. */
function readPemFile(flag: string, file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "it is a directory" : (code ?? "unreadable");
    throw new UsageError(`--${flag}: cannot read ${file}: ${why}`);
  }
}

/**
 * The side's TLS settings from rediss:// and the --<side>-tls-* flags (any of them turns TLS on), the
 * files read and checked: not PEM, or a key that does not match its certificate, is one clear line.
 */
function tlsFromFlags(side: CliSide, flags: ParsedArgs["flags"], fromUri: TlsConfig | undefined): TlsConfig | undefined {
  const value = (name: string) => (typeof flags[`${side}-tls-${name}`] === "string" ? (flags[`${side}-tls-${name}`] as string) : undefined);
  const [caFile, certFile, keyFile, servername] = [value("ca"), value("cert"), value("key"), value("servername")];
  const insecure = flags[`${side}-tls-insecure`] === true;
  if (!fromUri && !caFile && !certFile && !keyFile && servername === undefined && !insecure) return undefined;
  if (servername !== undefined && !/^[A-Za-z0-9.*-]{1,253}$/.test(servername)) throw new UsageError(`--${side}-tls-servername: not a host name`);
  const config: TlsConfig = {
    ...(caFile && { ca: readPemFile(`${side}-tls-ca`, caFile) }),
    ...(certFile && { cert: readPemFile(`${side}-tls-cert`, certFile) }),
    ...(keyFile && { key: readPemFile(`${side}-tls-key`, keyFile) }),
    ...(servername && { servername }),
    ...(insecure && { insecure }),
  };
  try {
    validateTlsMaterial(config, { ca: `--${side}-tls-ca ${caFile}`, cert: `--${side}-tls-cert ${certFile}`, key: `--${side}-tls-key ${keyFile}` });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return config;
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
  const tls = tlsFromFlags(side, flags, endpoint.tls);
  endpoint = { ...endpoint, tls };
  if (!tls) delete endpoint.tls;
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
