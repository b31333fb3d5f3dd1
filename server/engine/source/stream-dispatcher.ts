import { DtsError } from "../../errors";
import { RespDecoder } from "../resp/decoder";
import { ProtocolError, type RespValue } from "../resp/values";
import { viewOf } from "../resp/buffer-view";
import type { SpoolRecord } from "./spool";
import type { ContinueInfo, FullResyncInfo, ReplicatedCommand, ReplicationHandler } from "./types";

/** Markers that travel through the spool between the data records (JSON-safe). */
export type SourceEvent =
  | { type: "fullResync"; info: FullResyncInfo }
  | { type: "rdbEnd"; bytes: number }
  | { type: "continue"; info: ContinueInfo; db: number }
  | { type: "end"; error: { code: DtsError["code"]; message: string } | null };

/**
 * The consumer's side of the spool: turns records back into handler calls, decoding the command
 * stream with exact offsets. Runs at the consumer's pace; the socket side never waits for it.
 */
export class StreamDispatcher {
  private phase: "idle" | "rdb" | "stream" | "ended" = "idle";
  private decoder: RespDecoder | null = null;
  /** replication offset of the decoder's byte 0 */
  private base = 0;
  private db = 0;
  private fullResyncOffset = 0;
  private decoding = false;
  /** the chunk being decoded and the decoder's offset at its first byte */
  private chunk: Buffer = EMPTY;
  private chunkBase = 0;
  /** part of a record not decoded because the consumer paused in the middle of it */
  private leftover: Buffer | null = null;
  private paused = false;
  /** the handler threw: stop at once and report it */
  private failure: DtsError | null = null;

  constructor(
    private readonly handler: ReplicationHandler,
    private readonly label: string,
    private readonly hooks: {
      /** the consumer reached a REPLCONF GETACK */
      getAck(): void;
      /** the stream or the consumer failed: close everything with this error */
      fail(error: DtsError): void;
    },
  ) {}

  /** the database selected at the last command delivered */
  get currentDb(): number {
    return this.db;
  }

  get hasLeftover(): boolean {
    return this.leftover !== null;
  }

  pause(): void {
    this.paused = true;
    this.decoder?.pause();
  }

  /** undo pause(); delivers what a paused record left over; false if the consumer paused again */
  resume(): boolean {
    this.paused = false;
    if (this.leftover) {
      const rest = this.leftover;
      this.leftover = null;
      this.decode(rest);
    }
    return !this.paused && this.phase !== "ended";
  }

  deliver(record: SpoolRecord<SourceEvent>): void {
    if (this.phase === "ended") return;
    if (record.kind === "data") {
      if (this.phase === "rdb") this.call(() => this.handler.rdbData(record.data));
      else if (this.phase === "stream") this.decode(record.data);
      else this.hooks.fail(new DtsError("INTERNAL", `replication data from ${this.label} arrived before the synchronization started`));
      return;
    }
    const ev = record.event;
    switch (ev.type) {
      case "fullResync":
        this.phase = "rdb";
        this.fullResyncOffset = ev.info.offset;
        this.call(() => this.handler.fullResync(ev.info));
        break;
      case "rdbEnd":
        this.call(() => this.handler.rdbEnd({ bytes: ev.bytes }));
        // The master SELECTs before the first command it streams after a full sync; db 0 until then.
        this.startStream(this.fullResyncOffset, 0);
        break;
      case "continue":
        this.startStream(ev.info.offset, ev.db);
        this.call(() => this.handler.continued(ev.info));
        break;
      case "end":
        this.phase = "ended";
        this.handler.end(ev.error ? new DtsError(ev.error.code, ev.error.message) : null);
        break;
    }
  }

  private startStream(offset: number, db: number): void {
    this.phase = "stream";
    this.base = offset;
    this.db = db;
    this.leftover = null;
    this.decoder = new RespDecoder((value, start, end) => this.onValue(value, start, end));
  }

  private decode(chunk: Buffer): void {
    const decoder = this.decoder!;
    let used: number;
    this.decoding = true;
    this.chunk = chunk;
    this.chunkBase = decoder.offset;
    try {
      used = decoder.write(chunk);
    } catch (err) {
      if (err instanceof ProtocolError) {
        const at = this.base + err.offset;
        return this.hooks.fail(new DtsError("PROTOCOL_ERROR", `the source ${this.label} sent a malformed replication stream at offset ${at}: ${err.message.replace(/^protocol error at byte \d+: /, "")}`));
      }
      throw err;
    } finally {
      this.decoding = false;
      this.chunk = EMPTY;
    }
    if (this.failure) return this.hooks.fail(this.failure);
    if (used < chunk.length) this.leftover = chunk.subarray(used);
  }

  private onValue(value: RespValue, start: number, end: number): void {
    if (!Array.isArray(value) || value.length === 0 || !allBuffers(value)) {
      throw new ProtocolError("a replication stream carries commands (arrays of bulk strings) only", start);
    }
    const argv = value as Buffer[];
    // the command's own bytes when it lies whole in this chunk: forwarded as they are when unchanged
    const raw = start >= this.chunkBase && end - this.chunkBase <= this.chunk.length ? viewOf(this.chunk, start - this.chunkBase, end - this.chunkBase) : undefined;
    const cmd: ReplicatedCommand = { argv, db: this.db, startOffset: this.base + start, endOffset: this.base + end, raw };
    const name = controlName(argv[0]);
    if (name === "select") {
      const db = Number(argv[1]?.toString("latin1"));
      if (argv.length !== 2 || !Number.isInteger(db) || db < 0) throw new ProtocolError("SELECT with an invalid database", start);
      this.db = db;
      cmd.db = db;
      this.call(() => this.handler.control(cmd));
    } else if (name === "ping") {
      this.call(() => this.handler.control(cmd));
    } else if (name === "replconf") {
      this.call(() => this.handler.control(cmd));
      if (argv[1] !== undefined && sameWord(argv[1], GETACK)) this.hooks.getAck();
    } else {
      this.command(cmd);
    }
    if (this.paused || this.failure) this.decoder!.pause();
  }

  /** call() for the hot path: no closure per command */
  private command(cmd: ReplicatedCommand): void {
    if (this.failure) return;
    try {
      this.handler.command(cmd);
    } catch (err) {
      this.failed(err);
    }
  }

  /** handler exceptions must not unwind through the decoder or the socket */
  private call(fn: () => void): void {
    if (this.failure) return;
    try {
      fn();
    } catch (err) {
      this.failed(err);
    }
  }

  private failed(err: unknown): void {
    this.failure = err instanceof DtsError ? err : new DtsError("INTERNAL", `the replication consumer failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
    // Inside the decoder, stop it and report once write() returns; elsewhere report now.
    if (this.decoding) this.decoder?.pause();
    else this.hooks.fail(this.failure);
  }
}

const EMPTY = Buffer.alloc(0);
const SELECT = Buffer.from("select");
const PING = Buffer.from("ping");
const REPLCONF = Buffer.from("replconf");
const GETACK = Buffer.from("getack");

/** `word` (lower case ASCII) in any case: compared byte by byte, no string per command */
function sameWord(arg: Buffer, word: Buffer): boolean {
  if (arg.length !== word.length) return false;
  for (let i = 0; i < word.length; i++) if ((arg[i] | 0x20) !== word[i]) return false;
  return true;
}

/** "select", "ping" or "replconf" when argv[0] is one of the stream's control commands, else "" */
function controlName(arg: Buffer): string {
  switch (arg.length) {
    case 4:
      return sameWord(arg, PING) ? "ping" : "";
    case 6:
      return sameWord(arg, SELECT) ? "select" : "";
    case 8:
      return sameWord(arg, REPLCONF) ? "replconf" : "";
    default:
      return "";
  }
}

function allBuffers(values: RespValue[]): boolean {
  for (let i = 0; i < values.length; i++) if (!Buffer.isBuffer(values[i])) return false;
  return true;
}
