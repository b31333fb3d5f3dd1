import { Redis } from "ioredis";
import { cpuMsOf, redisPidOf } from "./rss-sampler";
import { Deployment } from "./deployment";
import { pollUntil } from "./stats";
import { startCpuBudget, type CpuBudget } from "./cpu-budget";

/**
 * The yardstick: an empty redis-server doing REPLICAOF the source (7.0 defaults: the replica stores
 * the RDB on disk, then loads it). Done when the link is up, loading is over and every key is there.
 */

export interface NativeFullResult {
  ms: number;
  /** CPU time the replica's redis-server used (load included) */
  cpuMs: number | null;
  keys: number;
  keysPerSec: number;
  /** the source's and the machine's CPU during the run */
  budget?: CpuBudget | null;
}

export function field(info: string, name: string): string | undefined {
  return new RegExp(`^${name}:(.*)$`, "m").exec(info)?.[1]?.trim();
}

export function keysIn(info: string): number {
  return Number(/^db0:keys=(\d+)/m.exec(info)?.[1] ?? 0);
}

export async function nativeReplica(): Promise<{ replica: Deployment; conn: Redis }> {
  const replica = await Deployment.standalone();
  return { replica, conn: replica.conns[0] };
}

export async function nativeFullSync(source: Deployment, expectedKeys: number, timeoutMs: number): Promise<NativeFullResult & { replica: Deployment }> {
  const { replica, conn } = await nativeReplica();
  const master = source.masters[0];
  await conn.info();
  const pid = redisPidOf(replica.masters[0]);
  const cpuBefore = cpuMsOf(pid);
  const budget = startCpuBudget(source);
  const began = performance.now();
  await conn.call("REPLICAOF", master.host, String(master.port));
  let last = "";
  await pollUntil(
    async () => {
      last = await conn.info().catch((e: Error) => e.message);
      return field(last, "master_link_status") === "up" && field(last, "loading") === "0" && keysIn(last) >= expectedKeys ? true : undefined;
    },
    { intervalMs: 10, timeoutMs, what: () => `the native replica to load ${expectedKeys} keys (link ${field(last, "master_link_status")}, loading ${field(last, "loading")}, keys ${keysIn(last)})` },
  );
  const ms = performance.now() - began;
  const cpuAfter = cpuMsOf(pid);
  const cpuMs = cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null;
  return { ms, cpuMs, keys: keysIn(last), keysPerSec: keysIn(last) / (ms / 1000), replica, budget: await budget?.end() };
}

/** The replica's replication offset (what it has applied). */
export async function replicaOffset(conn: Redis): Promise<number> {
  return Number(field(await conn.info("replication"), "master_repl_offset") ?? NaN);
}
