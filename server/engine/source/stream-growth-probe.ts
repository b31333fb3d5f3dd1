import { Redis } from "ioredis";
import type { TlsConfig } from "../tls";
import { ioredisOptions } from "../ioredis-options";
import type { SourceStreamProbe } from "./types";

/** a master holding this much of its stream for one replica is far from the default limits (256 MB / 64 MB for 60 s) */
const MAX_BUDGET = 16 << 20;
/** when the master will not say its limits (CONFIG refused or renamed) */
const UNKNOWN_LIMIT_BUDGET = 4 << 20;
/** a sample older than this says nothing about now */
const STALE_MS = 1000;

export interface StreamGrowthProbeOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  tls?: TlsConfig;
  /** how often master_repl_offset is read while sampling (default 100 ms) */
  intervalMs?: number;
}

/**
 * A master's replication stream, watched over a control connection while an RDB transfer is paced
 * (rdb-pacer.ts): what the master writes during the transfer waits in this replica's output buffer
 * until the RDB is sent, and past `client-output-buffer-limit replica` the master drops the replica.
 * Reads master_repl_offset every `intervalMs`; the budget is a quarter of the smaller configured limit,
 * at most 16 MiB.
 */
export class StreamGrowthProbe implements SourceStreamProbe {
  budget = 0;
  private client: Redis | null = null;
  private timer: NodeJS.Timeout | null = null;
  private offset = -1;
  private sampledAt = 0;
  private asking = false;

  constructor(private readonly o: StreamGrowthProbeOptions) {}

  start(): void {
    if (this.client) return;
    const client = new Redis(ioredisOptions(this.o, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 5000, retryStrategy: () => null }));
    client.on("error", () => {});
    this.client = client;
    client.connect().then(
      async () => {
        this.budget = await limitBudget(client);
        this.sample();
      },
      () => {},
    );
    this.timer = setInterval(() => this.sample(), this.o.intervalMs ?? 100);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.client?.disconnect();
    this.client = null;
  }

  growthSince(offset: number): number | null {
    if (this.offset < 0 || this.budget === 0 || Date.now() - this.sampledAt > STALE_MS) return null;
    return Math.max(0, this.offset - offset);
  }

  private sample(): void {
    const client = this.client;
    if (!client || this.asking || client.status !== "ready") return;
    this.asking = true;
    client.info("replication").then(
      (text) => {
        this.asking = false;
        const m = /^master_repl_offset:(\d+)/m.exec(text);
        if (!m || this.client !== client) return;
        this.offset = Number(m[1]);
        this.sampledAt = Date.now();
      },
      () => (this.asking = false),
    );
  }
}

/** A quarter of the smaller of the replica class's hard and soft limits (0 = none), at most MAX_BUDGET. */
async function limitBudget(client: Redis): Promise<number> {
  try {
    const reply = (await client.call("CONFIG", "GET", "client-output-buffer-limit")) as string[];
    const words = String(reply[1] ?? "").split(/\s+/);
    const at = words.findIndex((w) => w === "slave" || w === "replica");
    if (at < 0) return UNKNOWN_LIMIT_BUDGET;
    const limits = [Number(words[at + 1]), Number(words[at + 2])].filter((n) => Number.isFinite(n) && n > 0);
    return Math.max(64 * 1024, Math.min(MAX_BUDGET, ...limits.map((n) => Math.floor(n / 4))));
  } catch {
    return UNKNOWN_LIMIT_BUDGET;
  }
}
