import type { RedisOptions } from "ioredis";
import { tlsOptions, type TlsConfig } from "./tls";

/**
 * ioredis options for the engine's long-lived helper connections (heartbeat, emulation reads,
 * small queries). RESP2: ioredis 6 opens with HELLO 3, which servers before 6.0 do not know and which
 * a password-protected server refuses before authentication; with RESP2 ioredis sends AUTH itself.
 */
export function ioredisOptions(e: { host: string; port: number; username?: string; password?: string; tls?: TlsConfig }, extra: RedisOptions = {}): RedisOptions {
  return {
    host: e.host,
    port: e.port,
    username: e.username,
    password: e.password,
    protocol: 2,
    disableClientInfo: true,
    connectTimeout: 10_000,
    ...(e.tls && { tls: tlsOptions(e.tls, e.host) }),
    ...extra,
  };
}
