import type net from "node:net";
import { openSocket, tlsError, type TlsConfig } from "../tls";
import { DtsError } from "../../errors";
import { RespDecoder } from "../resp/decoder";
import { payloadFooters } from "../rdb/payload-footers";
import { LazyArg, encodeCommand, encodeParts, encodedLength, writeCommand, type Arg } from "../resp/encoder";
import { ReplyError, RespPush, type RespValue } from "../resp/values";
import { CommandRing, KIND_CALL, KIND_COMMAND, KIND_INTERNAL, KIND_PART, RingEntry } from "./command-ring";

export interface ConnectionOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  /** TLS toward this node (undefined: plain TCP) */
  tls?: TlsConfig;
  /** default 10 s */
  connectTimeoutMs?: number;
  /** commands pending and no byte from the server for this long: the link is dead (default 60 s) */
  replyTimeoutMs?: number;
  /** soft bounds: `write` returns false beyond them (defaults 20,000 commands / 16 MB) */
  maxInFlightCommands?: number;
  maxInFlightBytes?: number;
  /** size of the buffers commands are encoded into (default 256 KB) */
  stagingBytes?: number;
  clientName?: string;
}

/** A command that was sent (or queued) but not answered when the connection broke. */
export interface UnansweredCommand {
  bytes: Buffer;
  tag: number;
  seq: number;
  slot: number;
  db: number;
  flags: number;
}

export interface ConnectionSink {
  /**
   * The reply to one command, in send order. `entry` is reused after the call returns, and the
   * buffer its bytes() view points into is reused once the command's staging buffer is all answered:
   * copy the bytes to keep them.
   */
  onReply(reply: RespValue, entry: RingEntry): void;
  /** in-flight commands/bytes fell to half the bounds after `write` returned false */
  onDrain(): void;
  /** The connection is gone; `unanswered` (oldest first) may or may not have been executed. */
  onClose(err: DtsError, unanswered: UnansweredCommand[]): void;
}

/** `flags` bit: send ASKING right before the command (an ASK redirection). */
export const FLAG_ASKING = 1;

/** A control command (`call`) answered with an error reply. */
export class CommandError extends Error {
  readonly reply: ReplyError;
  constructor(reply: ReplyError) {
    super(reply.message);
    this.name = "ReplyError";
    this.reply = reply;
  }
}

const ASKING = encodeCommand(["ASKING"]);
const NO_PART = Buffer.alloc(0);
const NO_SINK: ConnectionSink = { onReply() {}, onDrain() {}, onClose() {} };

/**
 * One pipelined connection to one Redis node. Commands are encoded straight into large staging
 * buffers that go to the socket once per tick (or when full), replies are matched FIFO through a ring
 * of typed arrays: no Promise, closure or object per command. Reply errors go to their command;
 * a protocol error, a timeout or a closed socket fails the connection and hands every unanswered
 * command back (with the ones answered before the break already reported), so the owner can resend.
 */
export class PipelineConnection {
  readonly address: string;
  sink: ConnectionSink = NO_SINK;
  /** commands answered so far (a prefix of the commands written) */
  answered = 0;
  inFlightBytes = 0;

  private readonly socket: net.Socket;
  private readonly decoder: RespDecoder;
  private readonly ring = new CommandRing();
  private readonly entry = new RingEntry();
  private readonly maxCommands: number;
  private readonly maxBytes: number;
  private readonly stagingBytes: number;
  private readonly maxSpare: number;
  private out: Buffer;
  private outUsed = 0;
  private outFlushed = 0;
  /**
   * Full staging buffers whose commands are not all answered yet (oldest first), each with the ring's
   * push count when it was retired: once that many commands are answered, it is reused. Allocating a
   * fresh one per 256 KB made V8 run a full GC every ~60 MB of writes (external memory pressure).
   */
  private retired: Buffer[] = [];
  private retiredUntil: number[] = [];
  private spare: Buffer[] = [];
  private blocked: Buffer[] = [];
  private socketBlocked = false;
  private flushScheduled = false;
  private wasFull = false;
  private currentDb = 0;
  private failure: DtsError | null = null;
  private readonly calls = new Map<number, { resolve(v: RespValue): void; reject(e: Error): void }>();
  private callId = 0;
  private lastHeard = Date.now();
  private readonly watchdog: NodeJS.Timeout;
  private readonly readyEvent: "connect" | "secureConnect";

  private constructor(private readonly opts: ConnectionOptions) {
    this.address = opts.host.includes(":") ? `[${opts.host}]:${opts.port}` : `${opts.host}:${opts.port}`;
    this.maxCommands = opts.maxInFlightCommands ?? 20_000;
    // 8 MB covers a loopback or LAN round trip many times; commands kept longer (16 MB) were promoted
    // to the old generation and outlived their replies as garbage until a major GC
    this.maxBytes = opts.maxInFlightBytes ?? 8 * 1024 * 1024;
    this.stagingBytes = opts.stagingBytes ?? 256 * 1024;
    // Enough spares to refill the whole in-flight bound: with 8 kept of the 32 a full window holds, the
    // writer, resuming at half the bound, took half its staging buffers fresh. Each was a new
    // mapping faulted in page by page, then garbage: ~85 MB of them in a 1M-key full sync.
    this.maxSpare = Math.ceil(this.maxBytes / this.stagingBytes) + 1;
    this.out = Buffer.allocUnsafe(this.stagingBytes);
    this.decoder = new RespDecoder((v) => this.onValue(v));
    const { socket, ready } = openSocket(opts.host, opts.port, opts.tls);
    this.socket = socket;
    this.readyEvent = ready;
    this.socket.setNoDelay(true);
    this.socket.on("data", (chunk) => this.onData(chunk));
    this.socket.on("drain", () => this.onSocketDrain());
    this.socket.on("error", (err) => this.fail(tlsError(err, this.address, "target") ?? new DtsError("CONNECT_FAILED", `connection to ${this.address} failed: ${(err as NodeJS.ErrnoException).code ?? err.message}`, { cause: err })));
    this.socket.on("close", () => this.fail(new DtsError("CONNECT_FAILED", `connection to ${this.address} closed by the server`)));
    const replyTimeout = opts.replyTimeoutMs ?? 60_000;
    this.watchdog = setInterval(() => {
      if (this.ring.count > 0 && Date.now() - this.lastHeard > replyTimeout) this.fail(new DtsError("TIMEOUT", `${this.address} sent no reply for ${Math.round(replyTimeout / 1000)} s`));
    }, Math.min(1000, replyTimeout)).unref();
  }

  /** Connects, authenticates and names the connection; throws DtsError (CONNECT_FAILED, TIMEOUT, AUTH_FAILED). */
  static async open(opts: ConnectionOptions): Promise<PipelineConnection> {
    const conn = new PipelineConnection(opts);
    const timeoutMs = opts.connectTimeoutMs ?? 10_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => conn.fail(new DtsError("TIMEOUT", `connecting to ${conn.address} timed out after ${timeoutMs} ms`)), timeoutMs);
      conn.sink = { onReply() {}, onDrain() {}, onClose: (err) => (clearTimeout(timer), reject(err)) };
      conn.socket.once(conn.readyEvent, () => (clearTimeout(timer), (conn.sink = NO_SINK), resolve()));
    });
    try {
      if (opts.password !== undefined) {
        await conn.call(opts.username ? ["AUTH", opts.username, opts.password] : ["AUTH", opts.password]).catch((err: Error) => {
          throw err instanceof CommandError ? new DtsError("AUTH_FAILED", `authentication to ${conn.address} failed: ${err.message}`) : err;
        });
      }
      if (opts.clientName) await conn.call(["CLIENT", "SETNAME", opts.clientName]).catch(() => undefined);
    } catch (err) {
      conn.destroy();
      throw err;
    }
    return conn;
  }

  get open(): boolean {
    return this.failure === null;
  }

  get inFlightCommands(): number {
    return this.ring.count;
  }

  /** beyond the in-flight bounds: the owner should stop writing until onDrain */
  get full(): boolean {
    return this.ring.count >= this.maxCommands || this.inFlightBytes >= this.maxBytes;
  }

  /** tag of the oldest unanswered command, or undefined */
  oldestTag(): number | undefined {
    return this.ring.oldestTag();
  }

  /** Selects `db` for the commands written next (sends SELECT only when it changes). */
  select(db: number): void {
    if (db === this.currentDb) return;
    this.currentDb = db;
    const cmd = encodeCommand(["SELECT", String(db)]);
    this.stage(KIND_INTERNAL, cmd, 0, 0, -1);
  }

  /** Encodes argv into the staging buffer; returns false when the in-flight bounds are reached. */
  write(argv: readonly Arg[], tag = 0, seq = 0, slot = -1, flags = 0): boolean {
    this.ensureOpen();
    if (flags & FLAG_ASKING) this.stage(KIND_INTERNAL, ASKING, 0, 0, -1);
    const size = encodedLength(argv);
    if (size > this.stagingBytes >>> 2) {
      this.stageParts(encodeParts(argv), size, tag, seq, slot, flags);
      this.inFlightBytes += size;
      return this.afterWrite();
    }
    if (this.outUsed + size > this.out.length) this.newStaging();
    const start = this.outUsed;
    this.outUsed = writeCommand(argv, this.out, start);
    this.ring.push(KIND_COMMAND, this.out, start, this.outUsed, tag, seq, slot, this.currentDb, flags);
    this.inFlightBytes += size;
    this.scheduleFlush();
    return this.afterWrite();
  }

  /**
   * Queues an already encoded command (small ones are copied into the staging buffer, large ones sent
   * as they are), or a LazyArg that writes a whole encoded command (into the staging buffer, at once).
   */
  writeEncoded(cmd: Buffer | LazyArg, tag = 0, seq = 0, slot = -1, flags = 0, parts = 0): boolean {
    this.ensureOpen();
    if (flags & FLAG_ASKING) this.stage(KIND_INTERNAL, ASKING, 0, 0, -1);
    // a transaction batch: one ring slot per reply before EXEC's, the bytes on the last one
    for (let i = 0; i < parts; i++) this.ring.push(KIND_PART, NO_PART, 0, 0, tag, seq, slot, this.currentDb, 0);
    if (cmd instanceof LazyArg) {
      const size = cmd.byteLength;
      if (size > this.stagingBytes >>> 2) {
        const own = Buffer.allocUnsafe(size);
        cmd.writeTo(own, 0);
        this.stage(KIND_COMMAND, own, tag, seq, slot, flags);
      } else {
        if (this.outUsed + size > this.out.length) this.newStaging();
        const start = this.outUsed;
        // a RESTORE's footer may wait for the flush, to be computed with the others of this buffer
        payloadFooters.open(this.out);
        cmd.writeTo(this.out, start);
        this.outUsed = start + size;
        this.ring.push(KIND_COMMAND, this.out, start, this.outUsed, tag, seq, slot, this.currentDb, flags);
        this.scheduleFlush();
      }
      this.inFlightBytes += size;
      return this.afterWrite();
    }
    this.stage(KIND_COMMAND, cmd, tag, seq, slot, flags);
    this.inFlightBytes += cmd.length;
    return this.afterWrite();
  }

  /** A control command answered through a Promise (rejects with CommandError on an error reply). */
  call(argv: readonly Arg[]): Promise<RespValue> {
    if (this.failure) return Promise.reject(this.failure);
    const id = ++this.callId;
    return new Promise<RespValue>((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      this.stage(KIND_CALL, encodeCommand(argv), id, 0, -1);
    });
  }

  /** Closes the connection; unanswered commands are handed to the sink as after a break. */
  destroy(reason?: DtsError): void {
    this.fail(reason ?? new DtsError("CANCELLED", `connection to ${this.address} closed`));
  }

  private ensureOpen(): void {
    if (this.failure) throw this.failure;
  }

  private afterWrite(): boolean {
    if (this.ring.count === 1) this.lastHeard = Date.now();
    if (this.full) {
      this.wasFull = true;
      return false;
    }
    return true;
  }

  private stage(kind: number, cmd: Buffer, tag: number, seq: number, slot: number, flags = 0): void {
    if (cmd.length > this.stagingBytes >>> 2) {
      this.flush();
      this.send(cmd);
      this.ring.push(kind, cmd, 0, cmd.length, tag, seq, slot, this.currentDb, flags);
      return;
    }
    if (this.outUsed + cmd.length > this.out.length) this.newStaging();
    const start = this.outUsed;
    this.out.set(cmd, start);
    this.outUsed += cmd.length;
    this.ring.push(kind, this.out, start, this.outUsed, tag, seq, slot, this.currentDb, flags);
    this.scheduleFlush();
  }

  /** A big command goes to the socket as its parts (its big values by reference, not copied). */
  private stageParts(parts: Buffer[], size: number, tag: number, seq: number, slot: number, flags: number): void {
    if (parts.length === 1) return this.stage(KIND_COMMAND, parts[0], tag, seq, slot, flags);
    this.flush();
    this.socket.cork(); // one writev for the parts
    for (const part of parts) this.send(part);
    this.socket.uncork();
    this.ring.pushParts(KIND_COMMAND, parts, size, tag, seq, slot, this.currentDb, flags);
  }

  private newStaging(): void {
    this.flush();
    this.retired.push(this.out);
    this.retiredUntil.push(this.ring.pushed);
    this.out = this.spare.pop() ?? Buffer.allocUnsafe(this.stagingBytes);
    this.outUsed = 0;
    this.outFlushed = 0;
  }

  /** staging buffers whose every command was answered become spares (their bytes were sent and are no longer needed) */
  private recycle(): void {
    const answered = this.ring.shifted;
    let n = 0;
    while (n < this.retired.length && this.retiredUntil[n] <= answered) n++;
    if (n === 0) return;
    for (let i = 0; i < n; i++) if (this.spare.length < this.maxSpare) this.spare.push(this.retired[i]);
    this.retired.splice(0, n);
    this.retiredUntil.splice(0, n);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    process.nextTick(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    payloadFooters.settle(this.out);
    if (this.outUsed === this.outFlushed || this.failure) return;
    this.send(this.out.subarray(this.outFlushed, this.outUsed));
    this.outFlushed = this.outUsed;
  }

  private send(bytes: Buffer): void {
    if (this.socketBlocked) this.blocked.push(bytes);
    else if (!this.socket.write(bytes)) this.socketBlocked = true;
  }

  private onSocketDrain(): void {
    this.socketBlocked = false;
    if (this.blocked.length === 0) return;
    this.socket.cork();
    while (this.blocked.length > 0 && !this.socketBlocked) if (!this.socket.write(this.blocked.shift()!)) this.socketBlocked = true;
    this.socket.uncork();
  }

  private onData(chunk: Buffer): void {
    this.lastHeard = Date.now();
    try {
      this.decoder.write(chunk);
    } catch (err) {
      this.fail(err instanceof DtsError ? err : new DtsError("INTERNAL", `reply handling failed on ${this.address}: ${(err as Error).message}`, { cause: err }));
    }
    if (this.retired.length > 0 && !this.failure) this.recycle();
    if (this.wasFull && this.ring.count <= this.maxCommands >>> 1 && this.inFlightBytes <= this.maxBytes / 2 && !this.failure) {
      this.wasFull = false;
      this.sink.onDrain();
    }
  }

  /** the replies of the current batch before its EXEC (see onPart) */
  private partsSeen = 0;
  private partError: ReplyError | null = null;
  private partErrorAt = -1;
  private loose: Array<[number, ReplyError]> | null = null;

  /**
   * A reply inside a transaction batch. A refusal while queueing (OOM, LOADING, an unknown command)
   * makes the server abort the whole transaction: the EXEC's EXECABORT is then reported as that
   * refusal, at its index. A refused MULTI means the commands ran one by one: what each answered counts.
   */
  private onPart(reply: RespValue): void {
    const at = this.partsSeen++;
    if (!(reply instanceof ReplyError)) return;
    if (at === 0) this.loose = [];
    if (this.loose !== null) this.loose.push([at, reply]);
    else if (this.partError === null) {
      this.partError = reply;
      this.partErrorAt = at;
    }
  }

  private onValue(reply: RespValue): void {
    if (reply instanceof RespPush || this.failure) return;
    if (this.ring.count === 0) {
      this.fail(new DtsError("PROTOCOL_ERROR", `${this.address} sent a reply no command was waiting for`));
      return;
    }
    const e = this.entry;
    this.ring.shift(e);
    if (e.kind === KIND_PART) this.onPart(reply);
    else if (e.kind === KIND_COMMAND) {
      this.inFlightBytes -= e.end - e.start;
      this.answered++;
      if (this.partsSeen > 0) {
        if (this.loose !== null) e.loose = this.loose;
        else if (this.partError !== null && reply instanceof ReplyError) {
          reply = this.partError;
          e.part = this.partErrorAt;
        }
        this.partsSeen = 0;
        this.partError = null;
        this.partErrorAt = -1;
        this.loose = null;
      }
      this.sink.onReply(reply, e);
      e.part = -1;
      e.loose = null;
      e.parts = null;
    } else if (e.kind === KIND_CALL) {
      const call = this.calls.get(e.tag);
      this.calls.delete(e.tag);
      if (reply instanceof ReplyError) call?.reject(new CommandError(reply));
      else call?.resolve(reply);
    } else if (reply instanceof ReplyError) {
      // a refused SELECT/ASKING: what follows would run in the wrong place
      this.fail(new DtsError("WRITE_REFUSED", `${this.address} refused ${e.bytes().toString("latin1").split("\r\n")[2]}: ${reply.message}`));
    }
  }

  private fail(err: DtsError): void {
    if (this.failure) return;
    this.failure = err;
    // the unsent commands handed back below must be whole
    payloadFooters.close(this.out);
    // the unanswered commands handed back below are views of the staging buffers: never reuse them
    this.retired = [];
    this.retiredUntil = [];
    this.spare = [];
    clearInterval(this.watchdog);
    this.socket.destroy();
    this.blocked = [];
    const unanswered: UnansweredCommand[] = [];
    const e = this.entry;
    while (this.ring.count > 0) {
      this.ring.shift(e);
      // (a command sent in parts is copied into one buffer here: in-flight bytes are bounded)
      if (e.kind === KIND_COMMAND) unanswered.push({ bytes: e.bytes(), tag: e.tag, seq: e.seq, slot: e.slot, db: e.db, flags: e.flags });
      else if (e.kind === KIND_CALL) {
        this.calls.get(e.tag)?.reject(err);
        this.calls.delete(e.tag);
      }
    }
    e.parts = null;
    this.inFlightBytes = 0;
    this.sink.onClose(err, unanswered);
  }
}
