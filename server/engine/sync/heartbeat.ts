import { Redis } from "ioredis";
import type { Endpoint } from "../endpoint";
import { ioredisOptions } from "../ioredis-options";

/**
 * The DTS heartbeat: every second the engine writes the current time into a key on each source master.
 * The write comes back through that master's replication stream; when the destination acknowledges
 * it, latency = now − written time. It is also applied to the destination, which thus shows the last
 * synchronized time. One key per task and master: one-to-many and cascade tasks never collide.
 */

/** the key names live with every other key the product writes (own-keys.ts) */
export { OWN_KEY_PREFIX as HEARTBEAT_PREFIX, hashTagFor, heartbeatKey } from "../own-keys";

export interface HeartbeatOptions {
  source: Endpoint;
  key: string;
  /** database to write into: the first synchronized one, so the destination shows it too */
  db: number;
  intervalMs?: number;
  /** told once when the source refuses the write (latency then comes from offsets) */
  onRefused(reason: string): void;
}

/** Writes the heartbeat until stopped. Never throws: a refused write is reported once and retried quietly. */
export class Heartbeat {
  private client: Redis;
  private timer: NodeJS.Timeout | null = null;
  private refused = false;

  constructor(private readonly opts: HeartbeatOptions) {
    this.client = new Redis(ioredisOptions(opts.source, { db: opts.db, lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 5000, enableOfflineQueue: false }));
    this.client.on("error", () => {});
  }

  start(): void {
    const tick = () => void this.beat();
    this.client.connect().then(tick, () => {});
    this.timer = setInterval(tick, this.opts.intervalMs ?? 1000);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    try {
      // Finishing or deleting the task removes the key (remove-task-keys.ts); the TTL is the backstop
      // when a side cannot be reached then.
      await this.client.set(this.opts.key, String(Date.now()), "PX", 3_600_000);
      this.refused = false;
    } catch (err) {
      if (!this.refused) this.opts.onRefused((err as Error).message);
      this.refused = true;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.client.disconnect();
  }
}
