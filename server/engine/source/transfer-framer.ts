import type { RdbPreamble } from "./handshake";

const MARK = 40;

/**
 * The socket side of a replication link after the PSYNC reply: separates the RDB payload from the
 * command stream that follows it, without parsing either (that happens on the consumer's side of
 * the spool, at the consumer's pace). Only counts bytes, or looks for the diskless end mark.
 *
 * `$<len>`: exactly len bytes are the RDB; a disk-based master starts the stream right after them,
 * possibly in the same TCP segment. `$EOF:<mark>`: the RDB ends with the 40-byte mark. Masters hold
 * the stream back until the replica's first REPLCONF ACK, so the mark is the last thing received;
 * we still look for it anywhere in the data, so bytes after it are not taken for RDB.
 */
export class TransferFramer {
  private state: "rdb-length" | "rdb-eof" | "stream" = "stream";
  private remaining = 0;
  private mark: Buffer | null = null;
  /** up to 39 bytes at the end of what arrived that could be the start of the mark */
  private tail: Buffer = Buffer.alloc(0);
  private rdbBytes = 0;
  private streamOffset = 0;

  constructor(
    private readonly sink: {
      rdbData(chunk: Buffer): void;
      /** the whole RDB was received (not yet consumed): time for the first REPLCONF ACK */
      rdbEnd(bytes: number): void;
      streamData(chunk: Buffer): void;
    },
  ) {}

  startRdb(preamble: RdbPreamble, offset: number): void {
    this.rdbBytes = 0;
    this.streamOffset = offset;
    if (preamble.transfer === "length") {
      this.state = "rdb-length";
      this.remaining = preamble.rdbLength!;
    } else {
      this.state = "rdb-eof";
      this.mark = preamble.eofMark;
      this.tail = Buffer.alloc(0);
    }
  }

  startStream(offset: number): void {
    this.state = "stream";
    this.streamOffset = offset;
  }

  get inRdb(): boolean {
    return this.state !== "stream";
  }

  get rdbReceived(): number {
    return this.rdbBytes;
  }

  /** replication offset of the last stream byte received */
  get receivedOffset(): number {
    return this.streamOffset;
  }

  write(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.state === "stream") {
      this.streamOffset += chunk.length;
      this.sink.streamData(chunk);
    } else if (this.state === "rdb-length") {
      if (this.remaining === 0) return this.endRdb(chunk);
      const take = Math.min(this.remaining, chunk.length);
      this.emitRdb(take === chunk.length ? chunk : chunk.subarray(0, take));
      this.remaining -= take;
      if (this.remaining === 0) this.endRdb(chunk.subarray(take));
    } else this.writeEof(chunk);
  }

  /** flushes a zero-length RDB (`$0`): nothing will arrive to trigger it */
  flushEmpty(): void {
    if (this.state === "rdb-length" && this.remaining === 0) this.endRdb(Buffer.alloc(0));
  }

  private writeEof(chunk: Buffer): void {
    const mark = this.mark!;
    const tail = this.tail;
    // Position in the virtual buffer tail+chunk where the mark ends, or -1.
    let end = -1;
    if (tail.length > 0) {
      const window = Buffer.concat([tail, chunk.subarray(0, MARK - 1)]);
      const at = window.indexOf(mark);
      if (at !== -1) end = at + MARK;
    }
    if (end === -1) {
      const at = chunk.indexOf(mark);
      if (at !== -1) end = tail.length + at + MARK;
    }
    if (end !== -1) {
      const rdbEnd = end - MARK;
      if (rdbEnd > 0) {
        if (tail.length > 0) this.emitRdb(tail.subarray(0, Math.min(tail.length, rdbEnd)));
        if (rdbEnd > tail.length) this.emitRdb(chunk.subarray(0, rdbEnd - tail.length));
      }
      this.tail = Buffer.alloc(0);
      this.endRdb(chunk.subarray(end - tail.length));
      return;
    }
    // Keep back the last 39 bytes: they may be the start of the mark.
    const total = tail.length + chunk.length;
    const keep = Math.min(MARK - 1, total);
    const release = total - keep;
    if (release > 0) {
      if (tail.length > 0) this.emitRdb(tail.subarray(0, Math.min(tail.length, release)));
      if (release > tail.length) this.emitRdb(chunk.subarray(0, release - tail.length));
    }
    const kept = Buffer.allocUnsafe(keep);
    const fromTail = Math.max(0, tail.length - release);
    tail.copy(kept, 0, tail.length - fromTail);
    chunk.copy(kept, fromTail, chunk.length - (keep - fromTail));
    this.tail = kept;
  }

  private emitRdb(piece: Buffer): void {
    if (piece.length === 0) return;
    this.rdbBytes += piece.length;
    this.sink.rdbData(piece);
  }

  private endRdb(rest: Buffer): void {
    this.state = "stream";
    this.sink.rdbEnd(this.rdbBytes);
    this.write(rest);
  }
}
