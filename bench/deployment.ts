import { rmSync } from "node:fs";
import calculateSlot from "cluster-key-slot";
import { Redis } from "ioredis";
import { startCluster, startRedis, type RedisNode } from "../server/testing/redis-harness";
import type { FillTarget } from "./fill";

export const HEARTBEAT_PATTERN = "DTS_REDIS_TIMESTAMP_HEARTBEAT*";

/**
 * A standalone server or a cluster as the benchmark sees it: a URI and mode for the engine, the
 * masters to fill and count keys on, one long-lived polling connection per master.
 */
export class Deployment {
  private clients: Redis[] = [];

  private constructor(readonly mode: "standalone" | "cluster", readonly uri: string, readonly masters: RedisNode[], private readonly all: RedisNode[]) {
    this.clients = masters.map((m) => {
      const c = new Redis({ host: m.host, port: m.port, lazyConnect: false, maxRetriesPerRequest: 1, enableReadyCheck: false });
      c.on("error", () => {});
      return c;
    });
  }

  static async standalone(config: Record<string, string> = {}): Promise<Deployment> {
    const node = await startRedis({ config });
    return new Deployment("standalone", node.uri, [node], [node]);
  }

  static async cluster(masters = 3): Promise<Deployment> {
    const c = await startCluster({ masters });
    return new Deployment("cluster", c.uri, await c.masters(), c.nodes);
  }

  /** polling connections, one per master */
  get conns(): Redis[] {
    return this.clients;
  }

  async fillTargets(): Promise<FillTarget[]> {
    if (this.mode === "standalone") return [{ host: this.masters[0].host, port: this.masters[0].port }];
    const slots = (await this.clients[0].call("CLUSTER", "SLOTS")) as Array<[number, number, [string, number]]>;
    return this.masters.map((m) => ({
      host: m.host,
      port: m.port,
      slots: slots.filter(([, , [, port]]) => Number(port) === m.port).map(([a, b]) => [a, b] as [number, number]),
    }));
  }

  private slotOwner: Int8Array | null = null;

  /** The polling connection of the master that holds `key`. */
  async connFor(key: string): Promise<Redis> {
    if (this.mode === "standalone") return this.clients[0];
    if (!this.slotOwner) {
      const owner = new Int8Array(16384);
      const targets = await this.fillTargets();
      targets.forEach((t, i) => {
        for (const [a, b] of t.slots ?? []) owner.fill(i, a, b + 1);
      });
      this.slotOwner = owner;
    }
    return this.clients[this.slotOwner[calculateSlot(key)]];
  }

  async keyCount(): Promise<number> {
    const sizes = await Promise.all(this.clients.map((c) => c.dbsize()));
    return sizes.reduce((a, b) => a + b, 0);
  }

  /** Heartbeat keys the engine wrote (on a source) or copied (on a destination). */
  async heartbeatKeys(): Promise<Array<{ conn: Redis; key: string }>> {
    const out: Array<{ conn: Redis; key: string }> = [];
    for (const c of this.clients) for (const key of (await c.keys(HEARTBEAT_PATTERN)) as string[]) out.push({ conn: c, key });
    return out;
  }

  async deleteHeartbeats(): Promise<number> {
    const keys = await this.heartbeatKeys();
    for (const { conn, key } of keys) await conn.del(key);
    return keys.length;
  }

  async masterOffsets(): Promise<number[]> {
    return Promise.all(this.clients.map(async (c) => Number(/master_repl_offset:(\d+)/.exec(await c.info("replication"))?.[1] ?? NaN)));
  }

  async flushAll(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.flushall("SYNC")));
  }

  async usedMemory(): Promise<number> {
    const values = await Promise.all(this.clients.map(async (c) => Number(/used_memory:(\d+)/.exec(await c.info("memory"))?.[1] ?? 0)));
    return values.reduce((a, b) => a + b, 0);
  }

  private stopped = false;

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const c of this.clients) c.disconnect();
    for (const n of this.all) {
      await n.kill();
      rmSync(n.dir, { recursive: true, force: true });
    }
  }
}
