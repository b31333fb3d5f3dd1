import { Redis } from "ioredis";
import { DtsError } from "../../errors";
import { sniffRedis } from "./sniff";
import { tlsOptions, type TlsConfig } from "../tls";

/** The address and credentials of one node; an Endpoint fits. */
export interface NodeTarget {
  host: string;
  port: number;
  username?: string;
  password?: string;
  /** TLS toward this node (undefined: plain TCP) */
  tls?: TlsConfig;
}

export interface ControlOptions {
  /** connect and per-command timeout (default 3000 ms) */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 3000;

export function addressOf(t: { host: string; port: number }): string {
  return t.host.includes(":") ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`;
}

function isReplyError(err: unknown): err is Error {
  return err instanceof Error && err.name === "ReplyError";
}

/** AUTH sent to a server that has no password: older and newer servers word this differently. */
export function isNoPasswordConfigured(message: string): boolean {
  return /no password is set|without any password configured/i.test(message);
}

/**
 * A short-lived control connection: no retries, no offline queue, every command bounded by the
 * timeout, and AUTH sent by us (not by the client library) so a refused password is reported as
 * AUTH_FAILED with the server's reason rather than as a vague connection error.
 */
export async function openControl(target: NodeTarget, opts: ControlOptions = {}): Promise<Redis> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const where = addressOf(target);
  const client = new Redis({
    host: target.host,
    port: target.port,
    lazyConnect: true,
    // ioredis 6 opens with HELLO 3, which an unauthenticated connection to a password-protected
    // server cannot send (the connection is closed before our AUTH); RESP2 also works on 2.8..5.0.
    protocol: 2,
    disableClientInfo: true,
    enableReadyCheck: false,
    enableOfflineQueue: false,
    autoResubscribe: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    reconnectOnError: () => false,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    ...(target.tls && { tls: tlsOptions(target.tls, target.host) }),
  });
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ECONNREFUSED") throw new DtsError("CONNECT_FAILED", `connection to ${where} refused`, { cause: err });
    if (code === "ETIMEDOUT" || /timeout/i.test(String((err as Error).message))) throw new DtsError("TIMEOUT", `no connection to ${where} within ${timeoutMs} ms`, { cause: err });
    throw new DtsError("CONNECT_FAILED", `cannot connect to ${where}: ${code ?? (err as Error).message}`, { cause: err });
  }
  try {
    if (target.password !== undefined && target.password !== "") {
      try {
        if (target.username) await client.call("AUTH", target.username, target.password);
        else await client.call("AUTH", target.password);
      } catch (err) {
        if (!(isReplyError(err) && isNoPasswordConfigured(err.message) && !target.username)) throw err;
      }
    }
    return client;
  } catch (err) {
    client.disconnect();
    throw toDtsError(err, where, target, timeoutMs);
  }
}

/** Maps a command failure on a control connection to a DtsError with one clear sentence. */
export function toDtsError(err: unknown, where: string, target: { username?: string; password?: string }, timeoutMs: number): DtsError {
  if (err instanceof DtsError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (isReplyError(err)) {
    const user = target.username ? `user '${target.username}'` : "the default user";
    if (/^NOAUTH/.test(message)) return new DtsError("AUTH_FAILED", `${where} requires a password and none was given`, { cause: err });
    if (/^WRONGPASS|invalid password|invalid username-password/i.test(message)) return new DtsError("AUTH_FAILED", `${where} refused the password for ${user}`, { cause: err });
    if (/wrong number of arguments for 'auth'/i.test(message)) return new DtsError("AUTH_FAILED", `${where} predates ACL users (Redis < 6): give only a password, without a user name`, { cause: err });
    if (/^NOPERM/.test(message)) return new DtsError("AUTH_FAILED", `${where}: ${user} lacks a permission: ${message.slice(0, 200)}`, { cause: err });
    if (/^DENIED/.test(message)) return new DtsError("CONNECT_FAILED", `${where} is in protected mode and refuses remote clients without a password`, { cause: err });
    return new DtsError("PROTOCOL_ERROR", `${where} answered an error: ${message.slice(0, 200)}`, { cause: err });
  }
  if (/timed? ?out/i.test(message)) return new DtsError("TIMEOUT", `${where} did not answer within ${timeoutMs} ms`, { cause: err });
  return new DtsError("CONNECT_FAILED", `${where}: ${message.slice(0, 200)}`, { cause: err });
}

/** A reply error or a broken/timed-out connection, as opposed to a bug in the caller's code. */
export function isConnectionFailure(err: unknown): boolean {
  if (isReplyError(err)) return true;
  const message = err instanceof Error ? err.message : "";
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return /Command timed out|Connection is closed|Stream isn't writeable/i.test(message) || (typeof code === "string" && code.startsWith("E"));
}

/** The client library could not read the reply as RESP: whatever answers is not a Redis server. */
function isProtocolMismatch(err: unknown): boolean {
  return err instanceof Error && /Unknown RESP type|Protocol error/i.test(err.message);
}

/** Runs fn on a fresh control connection and always closes it. */
export async function withControl<T>(target: NodeTarget, opts: ControlOptions, fn: (client: Redis) => Promise<T>): Promise<T> {
  const client = await openControl(target, opts);
  try {
    return await fn(client);
  } catch (err) {
    if (isProtocolMismatch(err)) {
      // one raw PING names what answers instead (an HTTP server, something else)
      const s = await sniffRedis(target.host, target.port, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, target.tls);
      throw new DtsError("NOT_REDIS", s.kind === "http" || s.kind === "other" ? s.message : `${addressOf(target)} does not speak the Redis protocol: check the port`, { cause: err });
    }
    if (isConnectionFailure(err)) throw toDtsError(err, addressOf(target), target, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    throw err;
  } finally {
    client.disconnect();
  }
}
