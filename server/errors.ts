/**
 * Errors the operator sees. `code` is stable (UI, CLI JSON and events key off it); `message` is one
 * clear sentence that never contains a password.
 */
export type DtsErrorCode =
  | "INVALID_URI"
  | "INVALID_CONFIG"
  | "CONNECT_FAILED"
  | "TIMEOUT"
  | "AUTH_FAILED"
  | "NOT_REDIS"
  | "PROTOCOL_ERROR"
  | "RDB_CORRUPT"
  | "RDB_UNSUPPORTED"
  | "CONFLICT"
  /** a refused or inexact write stopped the task by its policy (engine/sync/divergence.ts) */
  | "DIVERGENCE"
  | "WRITE_REFUSED"
  | "PRECHECK_FAILED"
  | "CANCELLED"
  /** a worker's shard: no source master serves its slots now (the task's shards are laid out again) */
  | "SHARD_GONE"
  /** a worker no longer holds the lease of the shard it ran (server/runner/worker) */
  | "LEASE_LOST"
  | "INTERNAL";

export class DtsError extends Error {
  readonly code: DtsErrorCode;
  constructor(code: DtsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DtsError";
    this.code = code;
  }
}

/** Passwords must never reach a log line: strip them from anything that looks like a URI. */
export function redact(text: string): string {
  return text.replace(/(redis(?:s)?:\/\/)([^@/\s]*)@/gi, (_m, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(":");
    return colon === -1 ? `${scheme}${userinfo}@` : `${scheme}${userinfo.slice(0, colon)}:***@`;
  });
}

/** One line for a human: the message of a known error, else a generic but honest description. */
export function describeError(err: unknown): string {
  if (err instanceof DtsError) return redact(err.message);
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ECONNREFUSED") return `connection refused: ${redact(err.message)}`;
    if (code === "ENOENT") return redact(err.message);
    return redact(err.message || String(err));
  }
  return redact(String(err));
}
