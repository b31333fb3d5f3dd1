import { Redis } from "ioredis";
import { DtsError, describeError } from "../../../errors";
import { ioredisOptions } from "../../ioredis-options";
import type { TlsConfig } from "../../tls";

export interface WatchedNode {
  host: string;
  port: number;
  username?: string;
  password?: string;
  tls?: TlsConfig;
}

/** The event classes the scan reader needs besides K: every command class, expired and evicted (what "A" stands for). */
const CLASSES = "g$lshzxet";
const PREFIX = Buffer.from("__keyspace@");

/** Does this notify-keyspace-events value send a keyspace event for every change of a key? */
export function notificationsCover(flags: string): boolean {
  if (!flags.includes("K")) return false;
  return flags.includes("A") || [...CLASSES].every((c) => flags.includes(c));
}

/** `__keyspace@<db>__:<key>` → db and key (binary-safe), or null for another channel. */
export function parseKeyspaceChannel(channel: Buffer): { db: number; key: Buffer } | null {
  if (channel.length < PREFIX.length + 4 || !channel.subarray(0, PREFIX.length).equals(PREFIX)) return null;
  const end = channel.indexOf("__:", PREFIX.length);
  if (end < 0) return null;
  const db = Number(channel.subarray(PREFIX.length, end).toString());
  if (!Number.isInteger(db) || db < 0) return null;
  return { db, key: channel.subarray(end + 3) };
}

/**
 * The keys that changed on one source node, from its keyspace notifications. Subscribed before the
 * scan starts, so a key written during the copy is read again after it. The set is keyed by name:
 * a key changed a thousand times is read once. Notifications are fire-and-forget in Redis: while the
 * subscription's connection is down some are lost, which `onGap` reports (the reader scans again).
 */
export class KeyspaceWatch {
  private sub: Redis | null = null;
  private readonly dirty = new Map<number, Map<string, Buffer>>();
  private count = 0;
  /** when the oldest key still waiting was first notified (the latency figure), 0 when none waits */
  private oldest = 0;
  private waiter: (() => void) | null = null;
  private connectedOnce = false;
  /** notifications received in all */
  notified = 0;
  /** the value of notify-keyspace-events before this watch changed it (null: unchanged) */
  private previousFlags: string | null = null;

  constructor(
    private readonly node: WatchedNode,
    private readonly onGap: (why: string) => void,
    private readonly log: (level: "info" | "warn", message: string) => void,
  ) {}

  get pending(): number {
    return this.count;
  }

  get oldestAt(): number {
    return this.oldest;
  }

  /** Turns notifications on when they are off (remembering the old value), then subscribes. */
  async start(): Promise<void> {
    await this.enable();
    const sub = new Redis(ioredisOptions(this.node, { lazyConnect: true, maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(200 * n, 2000) }));
    this.sub = sub;
    sub.on("error", () => {});
    sub.on("ready", () => {
      // a reconnect: what was notified while the connection was down is lost
      if (this.connectedOnce) this.onGap(`the keyspace notification subscription to ${this.node.host}:${this.node.port} was re-established`);
      this.connectedOnce = true;
    });
    sub.on("pmessageBuffer", (_pattern: Buffer, channel: Buffer) => {
      const parsed = parseKeyspaceChannel(channel);
      if (parsed) this.mark(parsed.db, parsed.key);
    });
    await sub.connect();
    await sub.psubscribe("__keyspace@*__:*");
  }

  /** A key to read again (notified, or named by a rescan). */
  mark(db: number, key: Buffer): void {
    this.notified++;
    let keys = this.dirty.get(db);
    if (!keys) this.dirty.set(db, (keys = new Map()));
    const name = key.toString("latin1");
    if (keys.has(name)) return;
    // the channel buffer is ioredis's own: keep a copy
    keys.set(name, Buffer.from(key));
    if (this.count++ === 0) this.oldest = Date.now();
    this.waiter?.();
  }

  /** Up to `max` keys of one database, taken out of the set (a later change marks them again). */
  take(max: number): { db: number; keys: Buffer[] } | null {
    for (const [db, keys] of this.dirty) {
      const out: Buffer[] = [];
      for (const [name, key] of keys) {
        keys.delete(name);
        out.push(key);
        if (out.length >= max) break;
      }
      if (keys.size === 0) this.dirty.delete(db);
      this.count -= out.length;
      this.oldest = this.count > 0 ? Date.now() : 0;
      if (out.length) return { db, keys: out };
    }
    return null;
  }

  /** Resolves when a key is marked (or at once when some are), or after `ms`. */
  changed(ms: number): Promise<void> {
    if (this.count > 0) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const done = () => {
        clearTimeout(timer);
        this.waiter = null;
        resolve();
      };
      timer = setTimeout(done, ms);
      this.waiter = done;
    });
  }

  /**
   * Resolves once every notification the node sent before now has arrived: the subscription's own
   * PING is answered after them (one connection, in order).
   */
  async barrier(): Promise<void> {
    await this.sub?.ping();
  }

  /** Wakes a waiting changed() (the reader stops). */
  wake(): void {
    this.waiter?.();
  }

  /** Unsubscribes and puts notify-keyspace-events back as it was. */
  async close(): Promise<void> {
    this.wake();
    this.sub?.disconnect();
    this.sub = null;
    if (this.previousFlags === null) return;
    await withClient(this.node, (c) => c.config("SET", "notify-keyspace-events", this.previousFlags!)).then(
      () => this.log("info", `${this.node.host}:${this.node.port}: notify-keyspace-events set back to "${this.previousFlags}"`),
      (err) => this.log("warn", `${this.node.host}:${this.node.port}: notify-keyspace-events could not be set back to "${this.previousFlags}" (${describeError(err)}); set it yourself`),
    );
  }

  private async enable(): Promise<void> {
    const current = await readNotifyFlags(this.node);
    if (current !== null && notificationsCover(current)) return;
    const wanted = `${current ?? ""}KA`;
    try {
      await withClient(this.node, (c) => c.config("SET", "notify-keyspace-events", wanted));
    } catch (err) {
      throw new DtsError("INVALID_CONFIG", `${this.node.host}:${this.node.port} sends no keyspace notifications (notify-keyspace-events "${current ?? "unknown"}") and refused to enable them (${describeError(err)}): ${NOTIFY_FIX}`);
    }
    this.previousFlags = current ?? "";
    this.log("info", `${this.node.host}:${this.node.port}: keyspace notifications enabled (notify-keyspace-events "${wanted}"; it was "${current ?? ""}" and is set back at the end)`);
  }
}

export const NOTIFY_FIX = 'enable notify-keyspace-events KA on the source (redis.conf, or your provider\'s parameter group), or allow CONFIG SET for this account so redis-dts enables it for the task, or allow PSYNC so the replication reader is used';

/** notify-keyspace-events of a node, or null when CONFIG GET is refused (renamed, ACL). */
export async function readNotifyFlags(node: WatchedNode): Promise<string | null> {
  try {
    const reply = await withClient(node, (c) => c.config("GET", "notify-keyspace-events"));
    return Array.isArray(reply) && reply.length >= 2 ? String(reply[1]) : null;
  } catch {
    return null;
  }
}

async function withClient<T>(node: WatchedNode, fn: (c: Redis) => Promise<T>): Promise<T> {
  const c = new Redis(ioredisOptions(node, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null }));
  c.on("error", () => {});
  try {
    await c.connect();
    return await fn(c);
  } finally {
    c.disconnect();
  }
}
