import calculateSlot from "cluster-key-slot";
import type { Endpoint } from "../endpoint";
import { DtsError } from "../../errors";
import { LazyArg, encodeCommand, type Arg } from "../resp/encoder";
import type { ReplyError } from "../resp/values";
import type { ServerIdentity } from "../topology/probe";
import type { RingEntry } from "./command-ring";
import { PipelineConnection, type UnansweredCommand } from "./connection";
import { NodeLink, type LinkOwner } from "./node-link";
import { SlotTable } from "./slot-table";
import { WRITE_BATCH, type DestinationWriter, type WriterEvent, type WriterHandlers, type WriterOptions, type WriterStats } from "./types";
import { batchParts } from "./parse-command";

/** A write accepted while the writer was handling a fault, dispatched once it is over. */
export interface Held {
  argv: readonly Arg[] | null;
  bytes: Buffer | null;
  db: number;
  slot: number;
  tag: number;
  flags: number;
  link: NodeLink | null;
}

/** A sent command to send again (redirected, refused for now, or lost with its connection). */
export interface RetryItem {
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

/** flags bits above the WRITE_… ones (types.ts) count attempts */
export const ATTEMPT_SHIFT = 6;


/**
 * The state and the direct path of the destination writer (see PipelinedWriter for the fault
 * handling): route by slot, encode into the node connection's staging buffer, count
 * acknowledgements, wake whoever waits for room or for everything to be acknowledged.
 */
export abstract class WriterBase implements DestinationWriter, LinkOwner {
  readonly stats: WriterStats = { written: 0, acknowledged: 0, errors: 0, retried: 0, redirected: 0, reconnects: 0, orderHazards: 0 };
  failure: DtsError | null = null;
  /**
   * Slots with a command refused for now (OOM, LOADING, TRYAGAIN...) since the last resend: a later
   * command in the same slot that the server accepted meanwhile may have overtaken it.
   */
  refusedSlots: Uint8Array | null = null;

  protected readonly opts: WriterOptions;
  protected readonly links = new Map<string, NodeLink>();
  /** the same links as an array: `full` and `watermark` run per command, without a Map iterator */
  protected readonly linkList: NodeLink[] = [];
  protected readonly slots: SlotTable<NodeLink>;
  protected primary: NodeLink;
  protected seq = 0;
  protected halted = false;
  protected recovering = false;
  protected held: Held[] = [];
  protected retry: RetryItem[] = [];
  protected backoff = false;
  protected staleTopology = false;
  protected reason = "";
  protected faultSince = 0;
  protected closing = false;
  /** set by destroy(): later calls throw it */
  protected cancelled: DtsError | null = null;
  protected readyWaiters: { resolve(): void; reject(e: Error): void }[] = [];
  protected drainWaiters: { resolve(): void; reject(e: Error): void }[] = [];
  /** acknowledgedPast() callers: resolved once the watermark is above their tag */
  private tagWaiters: { tag: number; resolve(): void; reject(e: Error): void }[] = [];
  protected settleWaiter: (() => void) | null = null;
  protected lastEvent = new Map<string, number>();

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
    // encoded now: an argument may be a view of input that is only valid during this call
    if (link === null) return this.hold({ argv: null, bytes: encodeCommand(argv), db, slot, tag, flags, link: null });
    const conn = link.conn!;
    if (this.mode === "standalone") conn.select(db);
    this.stats.written++;
    return conn.write(argv, tag, ++this.seq, slot, flags);
  }

  writeEncoded(db: number, command: Buffer | LazyArg, key: Buffer | string | null, tag = 0, flags = 0): boolean {
    const slot = this.slotOf(db, key);
    const link = this.halted ? null : this.route(slot);
    if (link === null) return this.hold({ argv: null, bytes: command instanceof LazyArg ? lazyBytes(command) : command, db, slot, tag, flags, link: null });
    const conn = link.conn!;
    if (this.mode === "standalone") conn.select(db);
    this.stats.written++;
    return conn.writeEncoded(command, tag, ++this.seq, slot, flags);
  }

  writeBatch(db: number, command: Buffer | LazyArg, parts: number, tag = 0, flags = 0): boolean {
    if (this.mode !== "standalone") throw new DtsError("INTERNAL", "transaction batches are for standalone destinations");
    this.slotOf(db, null);
    const link = this.halted ? null : this.route(-1);
    flags |= WRITE_BATCH;
    if (link === null) return this.hold({ argv: null, bytes: command instanceof LazyArg ? lazyBytes(command) : command, db, slot: -1, tag, flags, link: null });
    const conn = link.conn!;
    conn.select(db);
    this.stats.written++;
    return conn.writeEncoded(command, tag, ++this.seq, -1, flags, parts);
  }

  broadcast(db: number, argv: readonly Arg[], tag = 0, flags = 0): boolean {
    this.slotOf(db, null);
    let room = true;
    for (const link of this.mode === "cluster" ? this.masterLinks() : [this.primary]) {
      if (this.halted || !link.usable) room = this.hold({ argv: null, bytes: encodeCommand(argv), db, slot: -1, tag, flags, link }) && room;
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
    const links = this.linkList;
    for (let i = 0; i < links.length; i++) {
      const conn = links[i].conn;
      if (conn !== null && conn.full) return true;
    }
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

  /** Resolves once every write tagged `tag` or lower is acknowledged (later writes may still be in flight). */
  acknowledgedPast(tag: number): Promise<void> {
    if (this.failure || this.cancelled) return Promise.reject(this.failure ?? this.cancelled);
    if (this.watermark() > tag) return Promise.resolve();
    return new Promise((resolve, reject) => this.tagWaiters.push({ tag, resolve, reject }));
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
    const waiters = [...this.readyWaiters.splice(0), ...this.drainWaiters.splice(0), ...this.tagWaiters.splice(0)];
    for (const w of waiters) w.reject(this.cancelled);
    this.settleWaiter?.();
    this.settleWaiter = null;
    for (const link of this.links.values()) link.conn?.destroy();
  }

  /** The key's slot: routes cluster writes; on standalone it only serves to detect reordering after a refusal. */
  protected slotOf(db: number, key: Buffer | string | null): number {
    if (this.failure) throw this.failure;
    if (this.cancelled) throw this.cancelled;
    if (this.mode === "standalone") return key === null ? -1 : calculateSlot(key);
    if (db !== 0) throw new DtsError("INVALID_CONFIG", `a cluster destination has only database 0, but a write for database ${db} was sent: map it with --db-map ${db}:0`);
    return key === null ? -1 : calculateSlot(key);
  }

  protected route(slot: number): NodeLink | null {
    const link = slot < 0 || this.mode === "standalone" ? this.primary : this.slots.owner(slot);
    return link !== undefined && link.usable ? link : null;
  }

  protected hold(item: Held): false {
    this.held.push(item);
    if (!this.halted) this.halt("a destination node is not connected", true);
    return false;
  }

  protected masterLinks(): NodeLink[] {
    return this.slots.owners();
  }

  // ---- replies and faults ------------------------------------------------------------------------

  onAck(): void {
    this.stats.acknowledged++;
    if (this.settleWaiter !== null || this.drainWaiters.length > 0) this.checkWaiters();
    if (this.tagWaiters.length > 0) {
      const mark = this.watermark();
      const due = this.tagWaiters.filter((w) => w.tag < mark);
      if (due.length) {
        this.tagWaiters = this.tagWaiters.filter((w) => w.tag >= mark);
        for (const w of due) w.resolve();
      }
    }
  }


  onLinkDrain(): void {
    if (this.readyWaiters.length > 0 && !this.full) this.release(this.readyWaiters);
  }




  protected allIdle(): boolean {
    for (const link of this.links.values()) if (link.conn !== null && link.conn.inFlightCommands > 0) return false;
    return true;
  }

  protected isDrained(): boolean {
    return !this.halted && this.held.length === 0 && this.retry.length === 0 && this.allIdle();
  }

  protected checkWaiters(): void {
    if (this.settleWaiter !== null && this.allIdle()) {
      const w = this.settleWaiter;
      this.settleWaiter = null;
      w();
    }
    if (this.drainWaiters.length > 0 && this.isDrained()) this.release(this.drainWaiters);
  }

  protected settled(): Promise<void> {
    if (this.allIdle()) return Promise.resolve();
    return new Promise((resolve) => (this.settleWaiter = resolve));
  }

  protected release(list: { resolve(): void }[]): void {
    const waiters = list.splice(0);
    for (const w of waiters) w.resolve();
  }



  // ---- topology ------------------------------------------------------------------------------------

  linkFor(host: string, port: number): NodeLink {
    const key = `${host}:${port}`;
    let link = this.links.get(key);
    if (!link) {
      link = new NodeLink(this, host, port);
      this.links.set(key, link);
      this.linkList.push(link);
    }
    return link;
  }

  protected *neededLinks(): Iterable<NodeLink> {
    if (this.mode === "standalone") yield this.primary;
    else yield* this.masterLinks();
    for (const r of this.retry) if (r.askTo) yield r.askTo;
  }

  protected assignSlots(): void {
    this.slots.resolve((host, port) => this.linkFor(host, port));
    const owners = this.masterLinks();
    if (owners.length > 0) this.primary = owners[0];
  }

  protected async refreshTopology(): Promise<void> {
    const seeds = [{ host: this.endpoint.host, port: this.endpoint.port }, ...[...this.links.values()].map((l) => ({ host: l.host, port: l.port }))];
    await this.slots.refresh(seeds, this.endpoint);
    this.assignSlots();
  }

  protected async connectNeeded(): Promise<void> {
    const pending = [...new Set(this.neededLinks())].filter((l) => !l.usable);
    await Promise.all(
      pending.map(async (link) => {
        const conn = await PipelineConnection.open({
          host: link.host,
          port: link.port,
          username: this.endpoint.username,
          password: this.endpoint.password,
          tls: this.endpoint.tls,
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


  protected event(e: WriterEvent): void {
    if (!this.opts.onEvent) return;
    const now = Date.now();
    const last = this.lastEvent.get(e.message) ?? 0;
    if (now - last < 5000) return;
    this.lastEvent.set(e.message, now);
    if (this.lastEvent.size > 1000) this.lastEvent.clear();
    this.opts.onEvent(e);
  }

  abstract onOvertaken(link: NodeLink, e: RingEntry): void;
  abstract onErrorReply(link: NodeLink, err: ReplyError, e: RingEntry): void;
  abstract onInnerError(link: NodeLink, err: ReplyError, e: RingEntry, index: number): void;
  abstract onLinkLost(link: NodeLink, err: DtsError, unanswered: UnansweredCommand[]): void;
  /** stops new writes until the fault is handled (PipelinedWriter) */
  protected abstract halt(reason: string, backoff: boolean): void;
  /** gives up: every waiter and every later call gets `err` */
  protected abstract fail(err: DtsError): void;
}

/** replies a held or resent write's bytes ask for before its own: a batch's MULTI and queued commands */
export function partsOf(bytes: Buffer, flags: number): number {
  return flags & WRITE_BATCH ? batchParts(bytes) : 0;
}

/** a LazyArg command as bytes of its own (it may describe input that is gone after the call) */
function lazyBytes(command: LazyArg): Buffer {
  const out = Buffer.allocUnsafe(command.byteLength);
  command.writeTo(out, 0);
  return out;
}
