import type net from "node:net";
import { DtsError } from "../../errors";
import { formatAddress } from "../endpoint";
import { AckSender } from "./ack-sender";
import { connectionError, connectSource, seconds } from "./connect";
import { replicaHandshake, type HandshakeResult } from "./handshake";
import { RdbPacer } from "./rdb-pacer";
import { ReplyLines } from "./reply-lines";
import { Spool } from "./spool";
import { StreamDispatcher, type SourceEvent } from "./stream-dispatcher";
import { TransferFramer } from "./transfer-framer";
import type { ReplicationClientOptions, ReplicationHandler, ReplicationState, ReplicationStats, PsyncProtocol } from "./types";

/**
 * Follows ONE source master the way a replica does: handshake, full or partial resynchronization,
 * then the command stream, acknowledging what the consumer has applied.
 *
 * Socket → TransferFramer → Spool → StreamDispatcher → handler. Everything left of the spool runs at
 * network speed whatever the consumer does, because a master disconnects a replica whose output
 * buffer outgrows `client-output-buffer-limit replica` (and, diskless, holds the stream back until
 * our first ACK); the one exception is a full sync's RDB while the master's stream has room to wait
 * (rdb-pacer.ts). Everything right of the spool runs at the consumer's pace (pause/resume).
 *
 * One client is one replication session: after `end` the caller starts a new client from its
 * checkpoint. Within a session, -LOADING / -NOMASTERLINK (a master not ready to serve) are retried.
 */
export class ReplicationClient {
  private readonly o: Required<Omit<ReplicationClientOptions, "username" | "password" | "checkpoint" | "listeningPort" | "tls">> & ReplicationClientOptions;
  private readonly label: string;
  private readonly spool: Spool<SourceEvent>;
  private readonly dispatcher: StreamDispatcher;
  private readonly framer: TransferFramer;
  private readonly pacer: RdbPacer;
  private socket: net.Socket | null = null;
  private lines: ReplyLines | null = null;
  private state: ReplicationState = "connecting";
  private replid: string | null = null;
  private protocol: PsyncProtocol | null = null;
  private rdbLength: number | null = null;
  private replconf = false;
  private acks: AckSender | null = null;
  private lastByteAt = 0;
  private closedDuringHandshake: { error: DtsError | null } | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private retryTimer: { timer: NodeJS.Timeout; wake: () => void } | null = null;
  private retries = 0;
  private paused = false;
  private resumeScheduled: NodeJS.Immediate | null = null;
  /** the socket side is over (error pushed into the spool or closed) */
  private linkDown = false;
  private endCalled = false;
  private started = false;

  constructor(
    options: ReplicationClientOptions,
    private readonly handler: ReplicationHandler,
  ) {
    this.o = {
      // a full sync's RDB outruns its loading (~50 MB of backlog at 1M keys): held in memory, the
      // backlog set the engine's peak RSS and grew with the dataset; the page cache absorbs the rest.
      // 4 MB, not 16: blocks held that long survive scavenges and wait for a major GC as garbage.
      spoolMemoryLimit: 4 << 20,
      connectTimeoutMs: 10_000,
      handshakeTimeoutMs: 10_000,
      readTimeoutMs: 60_000,
      ackIntervalMs: 1000,
      retryDelayMs: 1000,
      maxRetryDelayMs: 15_000,
      maxRetries: Number.POSITIVE_INFINITY,
      ...definedOnly(options),
    } as ReplicationClient["o"];
    this.label = formatAddress(options);
    this.spool = new Spool<SourceEvent>({ dir: this.o.spoolDir, memoryLimit: this.o.spoolMemoryLimit }, (r) => {
      this.dispatcher.deliver(r);
      if (this.pacer.isPaused) this.pacer.delivered(this.spool.pendingBytes);
    });
    this.pacer = new RdbPacer({
      probe: this.o.streamProbe,
      // half the memory limit: a socket read (64 KiB) never tips a paced transfer into the file
      pauseAtBytes: this.o.spoolMemoryLimit / 2,
      maxPauseMs: 5000,
      pauseSocket: () => this.socket?.pause(),
      resumeSocket: () => {
        this.lastByteAt = Date.now();
        this.socket?.resume();
      },
      notice: (m) => this.notice(`${this.label}: ${m}`, "info"),
    });
    const h = handler;
    this.dispatcher = new StreamDispatcher(
      {
        fullResync: (info) => h.fullResync(info),
        rdbData: (chunk) => h.rdbData(chunk),
        rdbEnd: (info) => h.rdbEnd(info),
        continued: (info) => h.continued(info),
        command: (cmd) => h.command(cmd),
        control: (cmd) => h.control(cmd),
        end: (error) => this.finish(error),
      },
      this.label,
      { getAck: () => this.acks?.send(), fail: (error) => this.close(error) },
    );
    this.framer = new TransferFramer({
      // socket bytes are only lent (connect.ts): the RDB's go to the parser at once, or are copied
      rdbData: (chunk) => this.spool.push({ kind: "data", data: chunk }, "lent"),
      rdbEnd: (bytes) => {
        this.pacer.end();
        this.spool.push({ kind: "event", event: { type: "rdbEnd", bytes } });
        this.state = "streaming";
        this.startAcks();
      },
      // commands' arguments may be kept long after (held writes, replays): a copy of their own
      streamData: (chunk) => this.spool.push({ kind: "data", data: chunk }, "lent-kept"),
    });
  }

  start(): this {
    if (this.started) throw new Error("ReplicationClient.start called twice");
    this.started = true;
    void this.run();
    return this;
  }

  /** stop delivering after the current command / RDB piece; the socket keeps being read */
  pause(): void {
    this.paused = true;
    this.spool.pause();
    this.dispatcher.pause();
  }

  resume(): void {
    if (!this.paused || this.endCalled) return;
    this.paused = false;
    // Never re-entrant: resume() is often called from inside a handler callback.
    this.resumeScheduled ??= setImmediate(() => {
      this.resumeScheduled = null;
      if (this.paused || this.endCalled) return;
      if (this.dispatcher.resume()) this.spool.resume();
    });
  }

  /** Closes the link and drops what was not delivered; `end` is called (with `reason`) if it was not yet. */
  close(reason: DtsError | null = null): void {
    this.shutdownLink();
    this.finish(reason);
  }

  stats(): ReplicationStats {
    return {
      state: this.state,
      source: this.label,
      replid: this.replid,
      protocol: this.protocol,
      receivedOffset: this.state === "streaming" || this.state === "rdb" ? this.framer.receivedOffset : null,
      rdbBytesReceived: this.framer.rdbReceived,
      rdbLength: this.rdbLength,
      lastAckOffset: this.acks?.last ?? null,
      retries: this.retries,
      spool: this.spool.stats(),
      pacing: this.pacer.stats(),
    };
  }

  private async run(): Promise<void> {
    for (;;) {
      if (this.linkDown) return;
      try {
        this.state = "connecting";
        const socket = await connectSource(this.o.host, this.o.port, this.o.connectTimeoutMs, this.label, this.o.tls);
        if (this.linkDown) {
          socket.destroy();
          return;
        }
        const lines = this.attach(socket);
        this.state = "handshake";
        const result = await replicaHandshake(socket, lines, {
          label: this.label,
          username: this.o.username,
          password: this.o.password,
          checkpoint: this.o.checkpoint,
          listeningPort: this.o.listeningPort ?? socket.localPort ?? 0,
          handshakeTimeoutMs: this.o.handshakeTimeoutMs,
          readTimeoutMs: this.o.readTimeoutMs,
          notice: (m) => this.notice(m),
          waiting: (step) => {
            try {
              this.handler.waiting?.(step);
            } catch {
              /* informational, like a notice */
            }
          },
        });
        if (this.linkDown) return;
        if (result.kind !== "retry") return this.beginTransfer(result);
        this.detach();
        if (this.retries >= this.o.maxRetries) {
          throw new DtsError("CONNECT_FAILED", `the source ${this.label} is still not ready to synchronize after ${this.retries + 1} attempts: ${result.reason}`);
        }
        const delay = Math.min(this.o.retryDelayMs * 2 ** Math.min(this.retries, 20), this.o.maxRetryDelayMs);
        this.retries++;
        this.notice(`the source ${this.label} cannot synchronize yet (${result.reason}); retrying in ${seconds(delay)}`);
        await new Promise<void>((wake) => (this.retryTimer = { timer: setTimeout(wake, delay), wake }));
        this.retryTimer = null;
      } catch (err) {
        return this.linkFailed(connectionError(err, this.label));
      }
    }
  }

  private attach(socket: net.Socket): ReplyLines {
    const lines = new ReplyLines();
    this.socket = socket;
    this.lines = lines;
    socket.on("data", (chunk: Buffer) => {
      this.lastByteAt = Date.now();
      if (this.lines) this.lines.feed(Buffer.from(chunk));
      else {
        this.framer.write(chunk);
        if (this.state === "rdb") this.pacer.received(this.spool.pendingBytes);
      }
    });
    socket.on("error", (err) => this.socketEnded(connectionError(err, this.label)));
    socket.on("close", () => this.socketEnded(null));
    return lines;
  }

  private detach(): void {
    this.lines?.dispose();
    this.lines = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.removeAllListeners("data");
      socket.removeAllListeners("close");
      socket.on("error", () => {});
      socket.destroy();
    }
  }

  private socketEnded(error: DtsError | null): void {
    if (this.lines) {
      // Remembered too: the handshake may already have its last reply and be about to hand over.
      this.closedDuringHandshake = { error };
      this.lines.fail(error ?? new DtsError("CONNECT_FAILED", `the source ${this.label} closed the connection during the replication handshake`));
      return;
    }
    if (this.linkDown) return;
    const where = this.state === "rdb" ? `during the RDB transfer (${this.framer.rdbReceived} bytes received)` : `at offset ${this.framer.receivedOffset}`;
    this.linkFailed(error
      ? new DtsError(error.code, `${error.message.replace(/^could not connect to/, "lost the replication link to")} ${where}`)
      : new DtsError("CONNECT_FAILED", `the source ${this.label} closed the replication connection ${where}`));
  }

  private beginTransfer(result: Exclude<HandshakeResult, { kind: "retry" }>): void {
    const lines = this.lines!;
    // bytes that arrived after the last reply line, and any that came while the handshake resolved
    const late = lines.takeRest();
    const rest = late.length > 0 ? Buffer.concat([result.rest, late]) : result.rest;
    lines.dispose();
    this.lines = null;
    this.replconf = result.replconf;
    this.protocol = result.info.protocol;
    this.replid = result.info.replid;
    this.lastByteAt = Date.now();
    this.idleTimer = setInterval(() => this.checkIdle(), Math.max(10, Math.min(1000, this.o.readTimeoutMs / 4)));
    if (result.kind === "full") {
      this.state = "rdb";
      this.rdbLength = result.info.rdbLength;
      this.spool.push({ kind: "event", event: { type: "fullResync", info: result.info } });
      this.pacer.begin(result.info.offset);
      this.framer.startRdb(result.preamble, result.info.offset);
      this.framer.write(rest);
      this.framer.flushEmpty();
    } else {
      this.state = "streaming";
      this.spool.push({ kind: "event", event: { type: "continue", info: result.info, db: this.o.checkpoint?.db ?? 0 } });
      this.framer.startStream(result.info.offset);
      this.startAcks();
      this.framer.write(rest);
    }
    if (this.closedDuringHandshake) this.socketEnded(this.closedDuringHandshake.error);
  }

  /** ACKs start once the RDB is received, or right after +CONTINUE; never to a master without REPLCONF */
  private startAcks(): void {
    if (!this.replconf || this.linkDown || this.acks) return;
    const socket = this.socket!;
    this.acks = new AckSender({
      intervalMs: this.o.ackIntervalMs,
      appliedOffset: this.o.appliedOffset,
      receivedOffset: () => this.framer.receivedOffset,
      write: (bytes) => socket.write(bytes),
      fail: (error) => this.close(error),
    });
    this.acks.start();
  }

  private checkIdle(): void {
    // our own pause (rdb-pacer.ts) is not the source's silence
    if (this.pacer.isPaused) return;
    if (Date.now() - this.lastByteAt <= this.o.readTimeoutMs) return;
    const what = this.state === "rdb" ? "during the RDB transfer" : "on the replication link";
    this.linkFailed(new DtsError("TIMEOUT", `the source ${this.label} sent nothing for ${seconds(this.o.readTimeoutMs)} ${what}`));
  }

  /** The socket side failed: the consumer still gets everything received before, then `end`. */
  private linkFailed(error: DtsError): void {
    if (this.linkDown) return;
    this.shutdownLink();
    this.notice(error.message);
    this.spool.push({ kind: "event", event: { type: "end", error: { code: error.code, message: error.message } } });
  }

  private shutdownLink(): void {
    this.linkDown = true;
    this.pacer.end();
    this.state = "closed";
    this.acks?.stop();
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = null;
    if (this.retryTimer) {
      clearTimeout(this.retryTimer.timer);
      this.retryTimer.wake();
      this.retryTimer = null;
    }
    this.lines?.fail(new DtsError("CANCELLED", "the replication client was closed"));
    this.detach();
  }

  private finish(error: DtsError | null): void {
    if (this.endCalled) return;
    this.endCalled = true;
    this.shutdownLink();
    if (this.resumeScheduled) clearImmediate(this.resumeScheduled);
    this.spool.close();
    try {
      this.handler.end(error);
    } catch {
      /* the consumer's own failure while ending: nothing is left to report it to */
    }
  }

  private notice(message: string, level: "info" | "warn" = "warn"): void {
    try {
      this.handler.notice?.(message, level);
    } catch {
      /* a notice is informational: a failing listener must not break the link */
    }
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
