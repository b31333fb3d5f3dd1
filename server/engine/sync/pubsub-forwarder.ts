import { Redis } from "ioredis";
import { describeError } from "../../errors";
import { formatAddress, type Endpoint } from "../endpoint";
import { ioredisOptions } from "../ioredis-options";
import { OWN_KEY_PREFIX } from "../own-keys";

/**
 * PUBLISH on a source cluster travels over the cluster bus to every node, never through the
 * replication stream the engine reads (a standalone master replicates it, and the stream applies
 * it). So for a cluster source the task subscribes (`PSUBSCRIBE *`) on one reachable source node,
 * which receives what every node publishes, and PUBLISHes each message on one destination
 * connection, in the order received. Pub/sub keeps nothing: a message published while either link is
 * down is gone (at-most-once), and it is counted as such where the forwarder can see it. Shard
 * channels (SPUBLISH, Redis 7.0) stay within their shard and cannot be subscribed by pattern: they are
 * not forwarded (the precheck says so).
 */

export interface PubsubStatus {
  /** messages PUBLISHed on the destination */
  forwarded: number;
  /** messages received but not delivered: the destination link was down, refused them, or lagged too far */
  dropped: number;
  /** "up" while subscribed on the source and connected to the destination */
  link: "connecting" | "up" | "down";
  /** what is down and since when, one sentence; null while up */
  problem: string | null;
  /** the source node subscribed on */
  node: string | null;
}

export interface PubsubForwarderOptions {
  /** credentials of the source (each node is reached with them) */
  source: Endpoint;
  /** the source nodes to subscribe on, in order of preference (asked again after each failure) */
  sourceNodes(): Array<{ host: string; port: number }>;
  target: Endpoint;
  /** destination nodes to publish on when the first fails (a cluster: any node broadcasts) */
  targetNodes?(): Promise<Array<{ host: string; port: number }>>;
  log(level: "info" | "warn", message: string): void;
  /** messages in flight to the destination before newer ones are dropped (default 10,000) */
  maxInFlight?: number;
  /** bytes in flight before newer messages are dropped (default 64 MiB) */
  maxInFlightBytes?: number;
  /** liveness check of the subscription (default 5 s) */
  pingMs?: number;
  /**
   * subscribe now, publish only after release(): what arrives meanwhile waits (within the in-flight
   * bounds) — the task subscribes while its precheck runs, and writes nothing before it passed
   */
  held?: boolean;
}

/** Channels the servers publish themselves: each side's own server generates them. */
const SERVER_CHANNELS = ["__keyspace@", "__keyevent@", "__sentinel__:", "__redis__:", OWN_KEY_PREFIX].map((p) => Buffer.from(p));

export function forwardedChannel(channel: Buffer): boolean {
  return !SERVER_CHANNELS.some((p) => channel.length >= p.length && p.equals(channel.subarray(0, p.length)));
}

const RETRY_MIN_MS = 200;
const RETRY_MAX_MS = 5000;

export class PubsubForwarder {
  private sub: Redis | null = null;
  private pub: Redis | null = null;
  private pubReady = false;
  private stopped = false;
  private inFlight = 0;
  private inFlightBytes = 0;
  private subUp = false;
  /** why the subscription / the destination link is not up; null while up or still connecting */
  private subProblem: string | null = null;
  private pubProblem: string | null = null;
  /** since when a problem holds; null while none does */
  private downSince: number | null = null;
  private everUp = false;
  private node: string | null = null;
  private nextNode = 0;
  private nextTarget = 0;
  private ping: NodeJS.Timeout | null = null;
  private refusal: string | null = null;
  private readonly counts = { forwarded: 0, dropped: 0 };

  /** messages received before release() (held), in order */
  private waiting: Array<[Buffer, Buffer]> | null;

  constructor(private readonly o: PubsubForwarderOptions) {
    this.waiting = o.held ? [] : null;
  }

  /** Publishes what arrived while held, then every message as it comes. */
  release(): void {
    const waiting = this.waiting;
    if (waiting === null) return;
    this.waiting = null;
    this.inFlight = 0;
    this.inFlightBytes = 0;
    for (const [channel, message] of waiting) this.forward(channel, message);
  }

  start(): void {
    void this.subscribe(0);
    void this.connectTarget(0);
    this.ping = setInterval(() => void this.checkAlive(), this.o.pingMs ?? 5000);
    this.ping.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.ping) clearInterval(this.ping);
    this.sub?.disconnect();
    // what is still in flight may land: wait a moment for it, then close
    for (let i = 0; i < 20 && this.inFlight > 0 && this.pubReady; i++) await new Promise((r) => setTimeout(r, 50));
    this.pub?.disconnect();
  }

  status(): PubsubStatus {
    const problems = [this.subProblem, this.pubProblem, this.refusal && `the destination refuses PUBLISH (${this.refusal}): messages are dropped`].filter(Boolean);
    const up = this.subUp && this.pubReady && problems.length === 0;
    const link = up ? "up" : problems.length > 0 ? "down" : "connecting";
    const problem = problems.length > 0 ? `${problems.join("; ")} (since ${new Date(this.downSince ?? Date.now()).toISOString()})` : null;
    return { ...this.counts, link, problem, node: this.node };
  }

  /** call after any change of the link's state: keeps `downSince` */
  private changed(): void {
    const bad = Boolean(this.subProblem || this.pubProblem || this.refusal);
    if (bad) this.downSince ??= Date.now();
    else this.downSince = null;
  }

  private async subscribe(attempt: number): Promise<void> {
    if (this.stopped) return;
    const nodes = this.o.sourceNodes();
    const node = nodes[this.nextNode++ % Math.max(1, nodes.length)] ?? this.o.source;
    const address = formatAddress(node);
    const sub = new Redis(ioredisOptions({ ...this.o.source, host: node.host, port: node.port }, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 5000 }));
    sub.on("error", () => {});
    this.sub = sub;
    try {
      await sub.connect();
      await sub.psubscribe("*");
    } catch (err) {
      sub.disconnect();
      this.subProblem = `pub/sub forwarding cannot subscribe on the source ${address} (${describeError(err)})`;
      this.changed();
      if (attempt === 0 || attempt % 10 === 0) this.o.log("warn", `${this.subProblem}; trying ${nodes.length > 1 ? "another node" : "again"}: messages published meanwhile are not forwarded`);
      return this.retry(() => this.subscribe(attempt + 1), attempt);
    }
    if (this.stopped) return sub.disconnect();
    sub.on("pmessageBuffer", (_pattern: string, channel: Buffer, message: Buffer) => this.forward(channel, message));
    sub.once("close", () => {
      if (this.sub !== sub || this.stopped) return;
      this.subUp = false;
      this.subProblem = `pub/sub forwarding lost its subscription on the source ${address}`;
      this.changed();
      this.o.log("warn", `${this.subProblem}; subscribing again: messages published meanwhile are not forwarded`);
      void this.subscribe(0);
    });
    this.node = address;
    this.subUp = true;
    this.subProblem = null;
    this.changed();
    this.becameUp();
    this.o.log("info", `pub/sub forwarding: subscribed (PSUBSCRIBE *) on the source ${address}`);
  }

  private async connectTarget(attempt: number): Promise<void> {
    if (this.stopped) return;
    let candidates: Array<{ host: string; port: number }> = [this.o.target];
    if (attempt > 0 && this.o.targetNodes) candidates = [...candidates, ...(await this.o.targetNodes().catch(() => []))];
    const node = candidates[this.nextTarget++ % candidates.length];
    const address = formatAddress(node);
    const pub = new Redis(ioredisOptions({ ...this.o.target, host: node.host, port: node.port }, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 5000 }));
    pub.on("error", () => {});
    try {
      await pub.connect();
    } catch (err) {
      pub.disconnect();
      this.pubProblem = `pub/sub forwarding cannot reach the destination ${address} (${describeError(err)})`;
      this.changed();
      if (attempt === 0 || attempt % 10 === 0) this.o.log("warn", `${this.pubProblem}; retrying: messages received meanwhile are dropped`);
      return this.retry(() => this.connectTarget(attempt + 1), attempt);
    }
    if (this.stopped) return pub.disconnect();
    pub.once("close", () => {
      if (this.pub !== pub || this.stopped) return;
      this.pubReady = false;
      this.pubProblem = `pub/sub forwarding lost its connection to the destination ${address}`;
      this.changed();
      this.o.log("warn", `${this.pubProblem}; reconnecting: messages received meanwhile are dropped`);
      void this.connectTarget(1);
    });
    this.pub = pub;
    this.pubReady = true;
    this.pubProblem = null;
    this.changed();
    this.becameUp();
  }

  private becameUp(): void {
    if (!this.subUp || !this.pubReady) return;
    if (this.everUp) this.o.log("info", `pub/sub forwarding resumed (${this.counts.forwarded} messages forwarded, ${this.counts.dropped} dropped so far)`);
    this.everUp = true;
  }

  private retry(fn: () => Promise<void>, attempt: number): Promise<void> {
    const delay = Math.min(RETRY_MIN_MS * 2 ** Math.min(attempt, 5), RETRY_MAX_MS);
    return new Promise((resolve) => setTimeout(() => resolve(fn()), delay).unref());
  }

  private forward(channel: Buffer, message: Buffer): void {
    if (!forwardedChannel(channel)) return;
    const size = channel.length + message.length;
    // held messages count against the same bounds as those in flight
    const full = this.inFlight >= (this.o.maxInFlight ?? 10_000) || this.inFlightBytes + size > (this.o.maxInFlightBytes ?? 64 * 1024 * 1024);
    if (full || (this.waiting === null && (!this.pubReady || !this.pub))) {
      this.counts.dropped++;
      return;
    }
    this.inFlight++;
    this.inFlightBytes += size;
    if (this.waiting !== null) {
      this.waiting.push([channel, message]);
      return;
    }
    this.pub!.publish(channel, message).then(
      () => {
        this.counts.forwarded++;
        if (this.refusal) {
          this.refusal = null;
          this.changed();
        }
      },
      (err: unknown) => {
        this.counts.dropped++;
        // a refusal (NOPERM…) is said once per reason; a broken connection is said by its close
        const reason = describeError(err);
        if ((err as Error)?.name === "ReplyError" && reason !== this.refusal) {
          this.refusal = reason;
          this.changed();
          this.o.log("warn", `the destination refuses PUBLISH (${reason}): pub/sub messages are dropped`);
        }
      },
    ).finally(() => {
      this.inFlight--;
      this.inFlightBytes -= size;
    });
  }

  /** A subscription on a node that vanished without closing the socket is found by PING. */
  private async checkAlive(): Promise<void> {
    const sub = this.sub;
    if (!sub || !this.subUp || this.stopped) return;
    const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), (this.o.pingMs ?? 5000) - 100).unref());
    const answer = await Promise.race([sub.ping().then(() => "ok" as const, () => "error" as const), timeout]);
    if (answer !== "ok" && this.sub === sub) sub.disconnect(); // its "close" subscribes again elsewhere
  }
}
