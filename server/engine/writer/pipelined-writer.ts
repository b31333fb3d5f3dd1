import calculateSlot from "cluster-key-slot";
import type { Endpoint } from "../endpoint";
import { DtsError } from "../errors";
import type { Arg } from "../resp/encoder";
import { ReplyError, type RespValue } from "../resp/values";
import type { ServerIdentity } from "../topology/probe";
import type { RingEntry } from "./command-ring";
import { FLAG_ASKING, PipelineConnection, type ConnectionSink, type UnansweredCommand } from "./connection";
import { describeCommand, parseCommand } from "./parse-command";
import { classifyReplyError } from "./reply-errors";
import { SlotTable } from "./slot-table";
import { WRITE_REPLAY_SAFE, WRITE_UNCERTAIN, type DestinationWriter, type UncertainCommand, type WriterEvent, type WriterHandlers, type WriterOptions, type WriterStats } from "./types";

/** A write accepted while the writer was handling a fault, dispatched once it is over. */
interface Held {
  argv: readonly Arg[] | null;
  bytes: Buffer | null;
  db: number;
  slot: number;
  tag: number;
  flags: number;
  link: NodeLink | null;
}

/** A sent command to send again (redirected, refused for now, or lost with its connection). */
interface RetryItem {
  bytes: Buffer;
  tag: number;
  seq: number;
  slot: number;
  db: number;
  flags: number;
  /** the node it was on (keyless and broadcast commands go back there) */
  link: NodeLink | null;
  askTo: NodeLink | null;
}

const ATTEMPT_SHIFT = 3;

/** One destination node: the connection's reply sink, forwarding to the writer. */
export class NodeLink implements ConnectionSink {
  conn: PipelineConnection | null = null;
  everConnected = false;
  constructor(
    private readonly w: PipelinedWriter,
    readonly host: string,
    readonly port: number,
  ) {}
  get address(): string {
    return this.host.includes(":") ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`;
  }
  get usable(): boolean {
    return this.conn !== null && this.conn.open;
  }
  onReply(reply: RespValue, e: RingEntry): void {
    if (reply instanceof ReplyError) this.w.onErrorReply(this, reply, e);
    else {
      if (this.w.refusedSlots !== null && e.slot >= 0 && this.w.refusedSlots[e.slot] === 1) this.w.onOvertaken(this, e);
      this.w.onAck();
    }
  }
  onDrain(): void {
    this.w.onLinkDrain();
  }
  onClose(err: DtsError, unanswered: UnansweredCommand[]): void {
    this.w.onLinkLost(this, err, unanswered);
  }
}

/**
 * The destination writer for standalone and cluster targets. Normal operation is a direct path:
 * route by slot, encode into the node connection's staging buffer. Any fault (MOVED, ASK, a
 * retryable refusal, a lost connection) halts new writes (they are held in order), waits until every
 * node has answered what it was sent, then resends the affected commands in their original order and
 * only then releases the held writes: a retried command never overtakes a later one for the same key.
 */
export class PipelinedWriter implements DestinationWriter {
  readonly stats: WriterStats = { written: 0, acknowledged: 0, errors: 0, retried: 0, redirected: 0, reconnects: 0, orderHazards: 0 };
  failure: DtsError | null = null;
  /**
   * Slots with a command refused for now (OOM, LOADING, TRYAGAIN...) since the last resend: a later
   * command in the same slot that the server accepted meanwhile may have overtaken it.
   */
  refusedSlots: Uint8Array | null = null;

  private readonly opts: WriterOptions;
  private readonly links = new Map<string, NodeLink>();
  private readonly slots: SlotTable<NodeLink>;
  private primary: NodeLink;
  private seq = 0;
  private halted = false;
  private recovering = false;
  private held: Held[] = [];
  private retry: RetryItem[] = [];
  private backoff = false;
  private staleTopology = false;
  private reason = "";
  private faultSince = 0;
  private closing = false;
  /** set by destroy(): later calls throw it */
  private cancelled: DtsError | null = null;
  private readyWaiters: { resolve(): void; reject(e: Error): void }[] = [];
  private drainWaiters: { resolve(): void; reject(e: Error): void }[] = [];
  private settleWaiter: (() => void) | null = null;
  private lastEvent = new Map<string, number>();

  constructor(
    readonly endpoint: Endpoint,
    readonly mode: "standalone" | "cluster",
    readonly server: ServerIdentity,
    opts: WriterOptions,
    slots: SlotTable<NodeLink>,
  ) {
    this.slots = slots;
    this.opts = { ...opts };
    this.primary = this.linkFor(endpoint.host, endpoint.port);
  }

  // ---- setup ---------------------------------------------------------------------------------

  /** Connects to every node the slot table names (standalone: the one node). */
  async connectAll(): Promise<void> {
    if (this.mode === "cluster") this.assignSlots();
    await this.connectNeeded();
  }

  setHandlers(handlers: WriterHandlers): void {
    Object.assign(this.opts, handlers);
  }

  nodes(): string[] {
    return this.mode === "cluster" ? this.masterLinks().map((l) => l.address) : [this.primary.address];
  }

  nodeOf(key: Buffer | string | null): string {
    if (this.mode === "standalone" || key === null) return this.primary.address;
    return (this.slots.owner(calculateSlot(key)) ?? this.primary).address;
  }

  // ---- hot path --------------------------------------------------------------------------------

  write(db: number, argv: readonly Arg[], key: Buffer | string | null, tag = 0, flags = 0): boolean {
    const slot = this.slotOf(db, key);
    const link = this.halted ? null : this.route(slot);
    if (link === null) return this.hold({ argv, bytes: null, db, slot, tag, flags, link: null });
    const conn = link.conn!;
    if (this.mode === "standalone") conn.select(db);
    this.stats.written++;
    return conn.write(argv, tag, ++this.seq, slot, flags);
  }

  writeEncoded(db: number, command: Buffer, key: Buffer | string | null, tag = 0, flags = 0): boolean {
    const slot = this.slotOf(db, key);
    const link = this.halted ? null : this.route(slot);
    if (link === null) return this.hold({ argv: null, bytes: command, db, slot, tag, flags, link: null });
    const conn = link.conn!;
    if (this.mode === "standalone") conn.select(db);
    this.stats.written++;
    return conn.writeEncoded(command, tag, ++this.seq, slot, flags);
  }

  broadcast(db: number, argv: readonly Arg[], tag = 0, flags = 0): boolean {
    this.slotOf(db, null);
    let room = true;
    for (const link of this.mode === "cluster" ? this.masterLinks() : [this.primary]) {
      if (this.halted || !link.usable) room = this.hold({ argv, bytes: null, db, slot: -1, tag, flags, link }) && room;
      else {
        if (this.mode === "standalone") link.conn!.select(db);
        this.stats.written++;
        room = link.conn!.write(argv, tag, ++this.seq, -1, flags) && room;
      }
    }
    return room;
  }

  get full(): boolean {
    if (this.halted || this.failure) return true;
    for (const link of this.links.values()) if (link.conn !== null && link.conn.full) return true;
    return false;
  }

  get fault(): { reason: string; since: number } | null {
    return this.faultSince > 0 ? { reason: this.reason, since: this.faultSince } : null;
  }

  watermark(): number {
    let min = Infinity;
    for (const r of this.retry) if (r.tag < min) min = r.tag;
    if (this.held.length > 0 && this.held[0].tag < min) min = this.held[0].tag;
    for (const link of this.links.values()) {
      const t = link.conn?.oldestTag();
      if (t !== undefined && t < min) min = t;
    }
    return min;
  }

  ready(): Promise<void> {
    if (this.failure || this.cancelled) return Promise.reject(this.failure ?? this.cancelled);
    if (!this.full) return Promise.resolve();
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  drained(): Promise<void> {
    if (this.failure || this.cancelled) return Promise.reject(this.failure ?? this.cancelled);
    if (this.isDrained()) return Promise.resolve();
    return new Promise((resolve, reject) => this.drainWaiters.push({ resolve, reject }));
  }

  async close(): Promise<void> {
    if (!this.failure && !this.cancelled) await this.drained();
    this.destroy();
  }

  destroy(): void {
    if (this.closing) return;
    this.closing = true;
    // whoever waits for room or acknowledgements must not wait forever (e.g. Ctrl-C during a retry)
    this.cancelled = this.failure ?? new DtsError("CANCELLED", "the destination writer was closed");
    const waiters = [...this.readyWaiters.splice(0), ...this.drainWaiters.splice(0)];
    for (const w of waiters) w.reject(this.cancelled);
    this.settleWaiter?.();
    this.settleWaiter = null;
    for (const link of this.links.values()) link.conn?.destroy();
  }

  /** The key's slot: routes cluster writes; on standalone it only serves to detect reordering after a refusal. */
  private slotOf(db: number, key: Buffer | string | null): number {
    if (this.failure) throw this.failure;
    if (this.cancelled) throw this.cancelled;
    if (this.mode === "standalone") return key === null ? -1 : calculateSlot(key);
    if (db !== 0) throw new DtsError("INVALID_CONFIG", `a cluster destination has only database 0, but a write for database ${db} was sent: map it with --db-map ${db}:0`);
    return key === null ? -1 : calculateSlot(key);
  }

  private route(slot: number): NodeLink | null {
    const link = slot < 0 || this.mode === "standalone" ? this.primary : this.slots.owner(slot);
    return link !== undefined && link.usable ? link : null;
  }

  private hold(item: Held): false {
    this.held.push(item);
    if (!this.halted) this.halt("a destination node is not connected", true);
    return false;
  }

  private masterLinks(): NodeLink[] {
    return this.slots.owners();
  }

  // ---- replies and faults ------------------------------------------------------------------------

  onAck(): void {
    this.stats.acknowledged++;
    if (this.settleWaiter !== null || this.drainWaiters.length > 0) this.checkWaiters();
  }

  /** A command accepted after an earlier one in its slot was refused: the order of the two may be inverted. */
  onOvertaken(link: NodeLink, e: RingEntry): void {
    this.stats.orderHazards++;
    const argv = parseCommand(e.bytes());
    this.opts.onOrderHazard?.({ argv, tag: e.tag, node: link.address });
    this.event({ kind: "order-hazard", node: link.address, message: `${describeCommand(argv)} was applied while an earlier write in its slot was refused by ${link.address}: their order may be inverted` });
  }

  onLinkDrain(): void {
    if (this.readyWaiters.length > 0 && !this.full) this.release(this.readyWaiters);
  }

  onErrorReply(link: NodeLink, err: ReplyError, e: RingEntry): void {
    const c = classifyReplyError(err);
    if (c.kind === "final" || (this.mode === "standalone" && (c.kind === "moved" || c.kind === "ask"))) {
      this.stats.acknowledged++;
      this.stats.errors++;
      this.opts.onCommandError?.({ error: err, tag: e.tag, argv: parseCommand(e.bytes()), node: link.address, uncertain: (e.flags & WRITE_UNCERTAIN) !== 0 });
      this.checkWaiters();
      return;
    }
    const attempts = (e.flags >>> ATTEMPT_SHIFT) + 1;
    const flags = (e.flags & ((1 << ATTEMPT_SHIFT) - 1) & ~FLAG_ASKING) | (Math.min(attempts, 31) << ATTEMPT_SHIFT);
    const item: RetryItem = { bytes: e.bytes(), tag: e.tag, seq: e.seq, slot: e.slot, db: e.db, flags, link, askTo: null };
    if (c.kind === "moved" || c.kind === "ask") {
      this.stats.redirected++;
      if (attempts > (this.opts.maxRedirections ?? 16)) {
        this.fail(new DtsError("WRITE_REFUSED", `${describeCommand(parseCommand(item.bytes))} was redirected more than ${this.opts.maxRedirections ?? 16} times (last: ${err.message})`));
        return;
      }
      const to = this.linkFor(c.host || link.host, c.port);
      if (c.kind === "moved") this.slots.assign(c.slot, to);
      else {
        item.askTo = to;
        item.flags |= FLAG_ASKING;
      }
      this.retry.push(item);
      this.halt(`slot ${c.slot} ${c.kind === "moved" ? "moved" : "is migrating"} to ${to.address}`, false);
    } else {
      this.retry.push(item);
      if (e.slot >= 0) (this.refusedSlots ??= new Uint8Array(16384))[e.slot] = 1;
      if (c.topology) this.staleTopology = true;
      this.halt(`${link.address}: ${err.message}`, true);
    }
    this.checkWaiters();
  }

  onLinkLost(link: NodeLink, err: DtsError, unanswered: UnansweredCommand[]): void {
    link.conn = null;
    if (this.closing || this.failure) return;
    if (err.code === "WRITE_REFUSED") {
      // a refused SELECT (database out of range) would be refused again after any reconnect
      this.fail(err);
      return;
    }
    const unsafe: UnansweredCommand[] = [];
    for (const u of unanswered) {
      if (u.flags & WRITE_REPLAY_SAFE) this.retry.push({ ...u, flags: (u.flags & ~FLAG_ASKING) | WRITE_UNCERTAIN, link, askTo: null });
      else unsafe.push(u);
    }
    if (unsafe.length > 0) {
      const list: UncertainCommand[] = unsafe.map((u) => ({ argv: parseCommand(u.bytes), tag: u.tag }));
      const answer = this.opts.onUncertain ? this.opts.onUncertain(list) : "fail";
      const decisions = Array.isArray(answer) ? answer : unsafe.map(() => answer);
      const failed = decisions.findIndex((d) => d !== "resend" && d !== "skip");
      if (failed !== -1) {
        this.fail(new DtsError("WRITE_REFUSED", `${err.message}: ${unsafe.length} commands of unknown outcome cannot be resent safely (first: ${describeCommand(list[failed].argv)})`));
        return;
      }
      let resent = 0;
      unsafe.forEach((u, i) => {
        if (decisions[i] === "resend") {
          resent++;
          this.retry.push({ ...u, flags: (u.flags & ~FLAG_ASKING) | WRITE_UNCERTAIN, link, askTo: null });
        } else this.stats.acknowledged++;
      });
      this.event({ kind: "uncertain", node: link.address, message: `${unsafe.length} commands of unknown outcome after losing ${link.address}: ${resent} resent, ${unsafe.length - resent} skipped` });
    }
    this.event({ kind: "connection-lost", node: link.address, message: `${err.message}; ${unanswered.length} unacknowledged commands will be resent` });
    this.staleTopology = this.mode === "cluster";
    this.halt(err.message, true);
    this.checkWaiters();
  }

  private halt(reason: string, backoff: boolean): void {
    this.reason = reason;
    if (backoff) this.backoff = true;
    this.halted = true;
    if (!this.recovering) void this.recover();
  }

  private allIdle(): boolean {
    for (const link of this.links.values()) if (link.conn !== null && link.conn.inFlightCommands > 0) return false;
    return true;
  }

  private isDrained(): boolean {
    return !this.halted && this.held.length === 0 && this.retry.length === 0 && this.allIdle();
  }

  private checkWaiters(): void {
    if (this.settleWaiter !== null && this.allIdle()) {
      const w = this.settleWaiter;
      this.settleWaiter = null;
      w();
    }
    if (this.drainWaiters.length > 0 && this.isDrained()) this.release(this.drainWaiters);
  }

  private settled(): Promise<void> {
    if (this.allIdle()) return Promise.resolve();
    return new Promise((resolve) => (this.settleWaiter = resolve));
  }

  private release(list: { resolve(): void }[]): void {
    const waiters = list.splice(0);
    for (const w of waiters) w.resolve();
  }

  /** The fault loop: settle, back off, repair connections and slot map, resend in order, release held writes. */
  private async recover(): Promise<void> {
    this.recovering = true;
    let round = 0;
    try {
      for (;;) {
        await this.settled();
        if (this.failure || this.closing) return;
        const needsConnections = [...this.neededLinks()].some((l) => !l.usable);
        if (this.retry.length === 0 && !needsConnections && !this.staleTopology) break;
        if (this.backoff || needsConnections) {
          if (this.faultSince === 0) this.faultSince = Date.now();
          const giveUp = this.opts.giveUpAfterMs ?? 0;
          if (giveUp > 0 && Date.now() - this.faultSince > giveUp) throw new DtsError("WRITE_REFUSED", `destination refused writes for ${Math.round(giveUp / 1000)} s: ${this.reason}`);
          this.event({ kind: "retrying", message: `destination refuses writes: ${this.reason}, retrying` });
          const base = this.opts.retryBaseMs ?? 50;
          await sleep(Math.min(base * 2 ** round, this.opts.retryMaxMs ?? 2000));
          round++;
        }
        this.backoff = false;
        try {
          if (this.staleTopology && this.mode === "cluster") await this.refreshTopology();
          this.staleTopology = false;
          await this.connectNeeded();
        } catch (err) {
          this.reason = err instanceof Error ? err.message : String(err);
          this.backoff = true;
          continue;
        }
        const items = this.retry.sort((a, b) => a.seq - b.seq);
        this.retry = [];
        this.refusedSlots = null;
        for (const item of items) this.resend(item);
        if (items.length > 0 && round > 0) this.event({ kind: "retrying", message: `resent ${items.length} commands after: ${this.reason}` });
      }
      this.faultSince = 0;
      this.halted = false;
      const held = this.held;
      this.held = [];
      for (let i = 0; i < held.length; i++) {
        const h = held[i];
        const link = h.link ?? this.route(h.slot);
        if (link === null || !link.usable) {
          this.held = held.slice(i).concat(this.held);
          this.halted = true;
          this.backoff = true;
          this.staleTopology = this.mode === "cluster";
          break;
        }
        if (this.mode === "standalone") link.conn!.select(h.db);
        this.stats.written++;
        if (h.bytes !== null) link.conn!.writeEncoded(h.bytes, h.tag, ++this.seq, h.slot, h.flags);
        else link.conn!.write(h.argv!, h.tag, ++this.seq, h.slot, h.flags);
      }
    } catch (err) {
      this.fail(err instanceof DtsError ? err : new DtsError("INTERNAL", `destination writer failed: ${(err as Error).message}`, { cause: err }));
    } finally {
      this.recovering = false;
    }
    if (this.failure) return;
    if (this.halted) return void this.recover();
    this.checkWaiters();
    if (!this.full) this.release(this.readyWaiters);
  }

  private resend(item: RetryItem): void {
    const link = this.mode === "standalone" ? this.primary : (item.askTo ?? (item.slot >= 0 ? this.slots.owner(item.slot) : item.link?.usable ? item.link : this.primary));
    if (link === undefined || link === null || !link.usable) {
      this.retry.push(item);
      this.backoff = true;
      this.staleTopology = this.mode === "cluster";
      return;
    }
    if (this.mode === "standalone") link.conn!.select(item.db);
    this.stats.retried++;
    link.conn!.writeEncoded(item.bytes, item.tag, item.seq, item.slot, item.askTo !== null ? item.flags | FLAG_ASKING : item.flags);
  }

  // ---- topology ------------------------------------------------------------------------------------

  linkFor(host: string, port: number): NodeLink {
    const key = `${host}:${port}`;
    let link = this.links.get(key);
    if (!link) {
      link = new NodeLink(this, host, port);
      this.links.set(key, link);
    }
    return link;
  }

  private *neededLinks(): Iterable<NodeLink> {
    if (this.mode === "standalone") yield this.primary;
    else yield* this.masterLinks();
    for (const r of this.retry) if (r.askTo) yield r.askTo;
  }

  private assignSlots(): void {
    this.slots.resolve((host, port) => this.linkFor(host, port));
    const owners = this.masterLinks();
    if (owners.length > 0) this.primary = owners[0];
  }

  private async refreshTopology(): Promise<void> {
    const seeds = [{ host: this.endpoint.host, port: this.endpoint.port }, ...[...this.links.values()].map((l) => ({ host: l.host, port: l.port }))];
    await this.slots.refresh(seeds, this.endpoint);
    this.assignSlots();
  }

  private async connectNeeded(): Promise<void> {
    const pending = [...new Set(this.neededLinks())].filter((l) => !l.usable);
    await Promise.all(
      pending.map(async (link) => {
        const conn = await PipelineConnection.open({
          host: link.host,
          port: link.port,
          username: this.endpoint.username,
          password: this.endpoint.password,
          connectTimeoutMs: this.opts.connectTimeoutMs ?? 5000,
          maxInFlightCommands: this.opts.maxInFlightCommands,
          maxInFlightBytes: this.opts.maxInFlightBytes,
          clientName: this.opts.clientName,
        });
        if (this.closing || this.failure) return void conn.destroy();
        conn.sink = link;
        link.conn = conn;
        if (link.everConnected) {
          this.stats.reconnects++;
          this.event({ kind: "reconnected", node: link.address, message: `reconnected to ${link.address}` });
        }
        link.everConnected = true;
      }),
    );
  }

  // ---- failure and events ---------------------------------------------------------------------------

  private fail(err: DtsError): void {
    if (this.failure) return;
    this.failure = err;
    this.halted = true;
    const waiters = [...this.readyWaiters.splice(0), ...this.drainWaiters.splice(0)];
    for (const w of waiters) w.reject(err);
    this.destroy();
  }

  private event(e: WriterEvent): void {
    if (!this.opts.onEvent) return;
    const now = Date.now();
    const last = this.lastEvent.get(e.message) ?? 0;
    if (now - last < 5000) return;
    this.lastEvent.set(e.message, now);
    if (this.lastEvent.size > 1000) this.lastEvent.clear();
    this.opts.onEvent(e);
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
