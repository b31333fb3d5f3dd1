import { Redis } from "ioredis";
import { ioredisOptions } from "../ioredis-options";
import type { TlsConfig } from "../tls";

/**
 * Why a shard waits for its source before a full synchronization, said in words: a Redis 7 source
 * by default waits `repl-diskless-sync-delay` (5 s) for more replicas before a diskless transfer, and
 * a disk-based one saves its RDB first; either looks like nothing happens.
 */
export interface SourceSyncConfig {
  diskless: boolean;
  delaySeconds: number;
}

export function describeSourceWait(step: "psync" | "rdb", cfg: SourceSyncConfig | null): string {
  if (step === "rdb") return "waiting for the source to save its RDB for a full resync (a BGSAVE on the source) before the transfer starts";
  if (cfg?.diskless && cfg.delaySeconds > 0) {
    return `waiting for the source to start a full resync: it waits repl-diskless-sync-delay (${cfg.delaySeconds} s) for more replicas before a diskless transfer`;
  }
  return "waiting for the source to answer PSYNC: a full resync is being prepared on the source";
}

/** repl-diskless-sync and its delay, or null when CONFIG GET is not allowed (or renamed). */
export async function readSourceSyncConfig(source: { host: string; port: number; username?: string; password?: string; tls?: TlsConfig }): Promise<SourceSyncConfig | null> {
  const c = new Redis(ioredisOptions(source, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3000 }));
  c.on("error", () => {});
  try {
    await c.connect();
    const reply = (await c.config("GET", "repl-diskless-sync*")) as string[];
    const value = (name: string) => reply[reply.indexOf(name) + 1];
    if (!reply.includes("repl-diskless-sync")) return null;
    return { diskless: value("repl-diskless-sync") === "yes", delaySeconds: Number(value("repl-diskless-sync-delay") ?? 0) || 0 };
  } catch {
    return null;
  } finally {
    c.disconnect();
  }
}
