import { DtsError } from "../errors";
import type { TlsConfig } from "./tls";

export type InstanceMode = "standalone" | "cluster";

/** Where the engine connects: one node of a deployment and the credentials all its nodes share. */
export interface Endpoint {
  host: string;
  port: number;
  /** ACL user; undefined means the default user */
  username?: string;
  password?: string;
  mode: InstanceMode;
  /** TLS for every connection to this deployment (rediss://, or the TLS flags / wizard section) */
  tls?: TlsConfig;
}

/** Accepts `redis[s]://[user:password@]host:port` (password only: `redis://:pw@host:port`); rediss:// is TLS. */
export function parseRedisUri(uri: string, mode: InstanceMode = "standalone"): Endpoint {
  const what = "URI must look like redis://[user:password@]host:port (rediss:// for TLS)";
  if (typeof uri !== "string" || uri.length === 0) throw new DtsError("INVALID_URI", `empty URI: ${what}`);
  if (uri.length > 4096) throw new DtsError("INVALID_URI", `URI too long: ${what}`);
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    const port = badPort(uri);
    throw new DtsError("INVALID_URI", port !== null ? `invalid port '${port}': a port is a number from 1 to 65535` : `not a URI: ${what}`);
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") throw new DtsError("INVALID_URI", `unsupported scheme '${url.protocol}': ${what}`);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (!host) throw new DtsError("INVALID_URI", `missing host: ${what}`);
  if (!url.port) throw new DtsError("INVALID_URI", `missing port: ${what}`);
  const port = Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new DtsError("INVALID_URI", `invalid port '${url.port}'`);
  if (url.pathname && url.pathname !== "/") throw new DtsError("INVALID_URI", `unexpected path '${url.pathname}': ${what}`);
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  return { host, port, username, password, mode, ...(url.protocol === "rediss:" && { tls: {} }) };
}

/** The port text of a redis:// URI that new URL() refused because of its port (null: not that). */
function badPort(uri: string): string | null {
  const m = /^rediss?:\/\/(?:[^/]*@)?(?:\[[^\]]*\]|[^:/@[\]]+):([^/@]*)\/?$/i.exec(uri);
  if (!m || (/^\d{1,5}$/.test(m[1]) && Number(m[1]) >= 1 && Number(m[1]) <= 65535)) return null;
  return m[1].replace(/[^\x20-\x7e]/g, "?").slice(0, 20);
}

/** The password field of the console: `<user>:<password>` or a plain password. */
export function splitCredentials(field: string | undefined): { username?: string; password?: string } {
  if (!field) return {};
  const colon = field.indexOf(":");
  if (colon > 0) return { username: field.slice(0, colon), password: field.slice(colon + 1) };
  return { password: field };
}

export function parseMode(value: string | boolean | undefined, flag: string): InstanceMode {
  if (value === undefined) return "standalone";
  if (value === "standalone" || value === "cluster") return value;
  throw new DtsError("INVALID_CONFIG", `--${flag} must be standalone or cluster`);
}

export function formatAddress(e: { host: string; port: number }): string {
  return e.host.includes(":") ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

/** Parses `--dbs 0,1` into a sorted list of database numbers. */
export function parseDbList(value: string | boolean | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !/^\d+(,\d+)*$/.test(value)) throw new DtsError("INVALID_CONFIG", "--dbs must look like 0,1,2");
  return [...new Set(value.split(",").map(Number))].sort((a, b) => a - b);
}

/** Parses `--db-map 1:0,2:0` (source:destination). */
export function parseDbMap(value: string | boolean | undefined): Map<number, number> {
  const map = new Map<number, number>();
  if (value === undefined) return map;
  if (typeof value !== "string" || !/^\d+:\d+(,\d+:\d+)*$/.test(value)) throw new DtsError("INVALID_CONFIG", "--db-map must look like 1:0,2:0");
  for (const pair of value.split(",")) {
    const [from, to] = pair.split(":").map(Number);
    if (map.has(from)) throw new DtsError("INVALID_CONFIG", `--db-map maps database ${from} twice`);
    map.set(from, to);
  }
  return map;
}
