import { sniffRedis, type SniffKind } from "./sniff";
import { openControl, addressOf, toDtsError, DEFAULT_TIMEOUT_MS, type NodeTarget, type ControlOptions } from "./control";
import { parseInfo, type InfoFields } from "./info";
import { DtsError } from "../../errors";

/** Who a Redis-speaking node is, from its INFO. */
export interface ServerIdentity {
  implementation: "redis" | "valkey";
  /** `redis_version` (Valkey reports the Redis version it is compatible with here) */
  redisVersion: string;
  /** the implementation's own version: `valkey_version` for Valkey, else `redis_version` */
  version: string;
  runId: string;
  role: "master" | "replica";
  clusterEnabled: boolean;
}

export type ProbeStatus =
  | "ok"
  | Exclude<SniffKind, "redis" | "http" | "other">
  | "not_redis" // something else answers on the port (HTTP included: see `speaks`)
  | "auth_failed"
  | "error";

export interface NodeProbe {
  host: string;
  port: number;
  /** host:port ([v6]:port) */
  address: string;
  status: ProbeStatus;
  /** what to do about a failure, when the probe knows better than the generic advice (TLS) */
  fix?: string;
  /** one sentence: the cause when status is not ok, a summary when ok */
  message: string;
  /** a TCP connection was made */
  reachable: boolean;
  /** the port answered like Redis */
  isRedis: boolean;
  /** what a non-Redis port speaks, when recognised */
  speaks?: "http" | "unknown";
  /** authenticated (or no password needed) and INFO readable */
  authOk: boolean;
  server?: ServerIdentity;
  /** every INFO field (default sections), for callers that need more figures */
  info?: InfoFields;
}

export function identify(info: InfoFields): ServerIdentity {
  const valkey = info.server_name === "valkey" || info.valkey_version !== undefined;
  const redisVersion = info.redis_version ?? "unknown";
  return {
    implementation: valkey ? "valkey" : "redis",
    redisVersion,
    version: valkey ? (info.valkey_version ?? redisVersion) : redisVersion,
    runId: info.run_id ?? "",
    role: info.role === "slave" || info.role === "replica" ? "replica" : "master",
    clusterEnabled: info.cluster_enabled === "1",
  };
}

/**
 * Connects to one node and finds out whether it is reachable, whether it is Redis, whether the
 * credentials work, and who it is. Never throws for a bad server: every failure is a status with a
 * message naming the cause.
 */
export async function probeNode(target: NodeTarget, opts: ControlOptions = {}): Promise<NodeProbe> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const base = { host: target.host, port: target.port, address: addressOf(target) };
  const sniff = await sniffRedis(target.host, target.port, timeoutMs, target.tls);
  if (sniff.kind === "http" || sniff.kind === "other") {
    return { ...base, status: "not_redis", message: sniff.message, reachable: true, isRedis: false, speaks: sniff.kind === "http" ? "http" : "unknown", authOk: false };
  }
  if (sniff.kind !== "redis") {
    const reachable = sniff.kind === "silent" || sniff.kind === "closed";
    return { ...base, status: sniff.kind, message: sniff.message, reachable, isRedis: false, authOk: false, ...(sniff.fix && { fix: sniff.fix }) };
  }
  let client;
  try {
    client = await openControl(target, { timeoutMs });
    let text: string;
    try {
      text = String(await client.call("INFO"));
    } catch (err) {
      if (err instanceof Error && /^NOPERM/.test(err.message)) {
        const message = `${base.address}: authenticated, but the account may not run INFO (${err.message.slice(0, 120)})`;
        return { ...base, status: "error", message, reachable: true, isRedis: true, authOk: true };
      }
      throw err;
    }
    const info = parseInfo(text);
    const server = identify(info);
    const name = server.implementation === "valkey" ? "Valkey" : "Redis";
    const message = `${base.address} is ${name} ${server.version} (${server.role}${server.clusterEnabled ? ", cluster" : ""})`;
    return { ...base, status: "ok", message, reachable: true, isRedis: true, authOk: true, server, info };
  } catch (err) {
    const e = err instanceof DtsError ? err : toDtsError(err, base.address, target, timeoutMs);
    const status: ProbeStatus = e.code === "AUTH_FAILED" ? "auth_failed" : e.code === "TIMEOUT" ? "silent" : "error";
    return { ...base, status, message: e.message, reachable: true, isRedis: true, authOk: false };
  } finally {
    client?.disconnect();
  }
}
