import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { DtsError } from "../../errors";

/** One entry of the spool: replication bytes, or a small marker between them (JSON-safe). */
export type SpoolRecord<E> = { kind: "data"; data: Buffer } | { kind: "event"; event: E };

const HEADER = 5; // u8 kind + u32 length
const KIND_DATA = 0;
const KIND_EVENT = 1;

/**
 * The on-disk part of the spool: an append-only file of records read back in order, truncated to
 * zero whenever the reader catches up so a long sync never accumulates a file larger than its worst
 * backlog.
 *
 * I/O is synchronous on purpose: the page cache absorbs these writes at GB/s, far above what a
 * master sends, and a synchronous write keeps ordering trivial (no queue of pending writes that would
 * itself be unbounded memory). Records are copied into one reused block to keep syscalls rare: the
 * only copy of a record lent by the socket, which a catch-up makes for every byte of its backlog.
 *
 * The file is unlinked right after it is opened (POSIX): the space is reclaimed when the descriptor
 * closes, even if the process is killed, so no stale spool is ever left behind in the data folder.
 */
export class SpoolFile<E> {
  private fd: number | null = null;
  private filePath = "";
  private unlinked = false;
  /** bytes flushed to the file, and how far the reader got */
  private written = 0;
  private readPos = 0;
  /** records batched in memory before one write (allocated at the first spill, then reused) */
  private block: Buffer | null = null;
  private writeBytes = 0;
  /** bytes read from the file but not yet handed out (a record cut by the block end) */
  private readAhead: Buffer = Buffer.alloc(0);
  private peak = 0;

  constructor(
    private readonly dir: string,
    private readonly blockSize: number,
  ) {}

  /** bytes waiting in this file (flushed or batched), not yet read back */
  get pendingBytes(): number {
    return this.written - this.readPos + this.writeBytes + this.readAhead.length;
  }

  /** memory held by this part of the spool right now: the write block (kept from the first spill on) and the read block */
  get memoryBytes(): number {
    return (this.block?.length ?? 0) + this.readAhead.length;
  }

  /** the largest size the file reached */
  get peakFileBytes(): number {
    return this.peak;
  }

  get isEmpty(): boolean {
    return this.pendingBytes === 0;
  }

  /** copies the record (its bytes may be lent: valid during this call only) */
  append(record: SpoolRecord<E>): void {
    const payload = record.kind === "data" ? record.data : Buffer.from(JSON.stringify(record.event), "utf8");
    const block = (this.block ??= Buffer.allocUnsafe(this.blockSize));
    if (this.writeBytes + HEADER > block.length) this.flush();
    block[this.writeBytes] = record.kind === "data" ? KIND_DATA : KIND_EVENT;
    block.writeUInt32LE(payload.length, this.writeBytes + 1);
    this.writeBytes += HEADER;
    let from = 0;
    while (from < payload.length) {
      if (this.writeBytes === block.length) this.flush();
      // a payload larger than the block goes to the file straight from its own buffer
      if (this.writeBytes === 0 && payload.length - from >= block.length) {
        this.writeOut(payload.subarray(from));
        break;
      }
      const n = Math.min(payload.length - from, block.length - this.writeBytes);
      payload.copy(block, this.writeBytes, from, from + n);
      this.writeBytes += n;
      from += n;
    }
    if (this.writeBytes >= block.length) this.flush();
  }

  /** the next record, or null when everything appended has been read back */
  shift(): SpoolRecord<E> | null {
    if (!this.ensure(HEADER)) return null;
    const kind = this.readAhead.readUInt8(0);
    const length = this.readAhead.readUInt32LE(1);
    if (!this.ensure(HEADER + length)) throw new DtsError("INTERNAL", "the replication spool file ended inside a record");
    const payload = this.readAhead.subarray(HEADER, HEADER + length);
    this.readAhead = this.readAhead.subarray(HEADER + length);
    if (this.isEmpty) this.reset();
    if (kind === KIND_DATA) return { kind: "data", data: payload };
    return { kind: "event", event: JSON.parse(payload.toString("utf8")) as E };
  }

  close(): void {
    if (this.fd !== null) {
      try { fs.closeSync(this.fd); } catch { /* already closed */ }
      this.fd = null;
    }
    if (this.filePath && !this.unlinked) {
      try { fs.unlinkSync(this.filePath); } catch { /* already gone */ }
      this.unlinked = true;
    }
    this.block = null;
    this.writeBytes = 0;
    this.readAhead = Buffer.alloc(0);
    this.written = this.readPos = 0;
  }

  private open(): number {
    if (this.fd !== null) return this.fd;
    fs.mkdirSync(this.dir, { recursive: true });
    this.filePath = path.join(this.dir, `redis-dts-spool-${process.pid}-${randomBytes(6).toString("hex")}.bin`);
    try {
      this.fd = fs.openSync(this.filePath, "wx+");
    } catch (err) {
      throw new DtsError("INTERNAL", `cannot create the replication spool file in ${this.dir}: ${(err as Error).message}`, { cause: err });
    }
    this.unlinked = false;
    if (process.platform !== "win32") {
      fs.unlinkSync(this.filePath);
      this.unlinked = true;
    }
    return this.fd;
  }

  private flush(): void {
    if (this.writeBytes === 0) return;
    const bytes = this.writeBytes;
    this.writeBytes = 0;
    this.writeOut(this.block!.subarray(0, bytes));
  }

  private writeOut(bytes: Buffer): void {
    const fd = this.open();
    let done = 0;
    try {
      while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done, this.written + done);
    } catch (err) {
      throw new DtsError("INTERNAL", `cannot write the replication spool file (disk full?): ${(err as Error).message}`, { cause: err });
    }
    this.written += bytes.length;
    this.peak = Math.max(this.peak, this.written);
  }

  /** makes `readAhead` hold at least `need` bytes; false when the spool has fewer */
  private ensure(need: number): boolean {
    if (this.readAhead.length >= need) return true;
    if (this.readAhead.length + this.written - this.readPos + this.writeBytes < need) return false;
    // The reader caught up with the file: the batch still in memory is next, write it so there is
    // a single place to read from.
    if (this.readPos + (need - this.readAhead.length) > this.written) this.flush();
    const want = Math.min(Math.max(need - this.readAhead.length, this.blockSize), this.written - this.readPos);
    const block = Buffer.allocUnsafe(this.readAhead.length + want);
    this.readAhead.copy(block, 0);
    let got = 0;
    while (got < want) {
      const n = fs.readSync(this.fd!, block, this.readAhead.length + got, want - got, this.readPos + got);
      if (n === 0) throw new DtsError("INTERNAL", "the replication spool file is shorter than what was written to it");
      got += n;
    }
    this.readPos += want;
    this.readAhead = block;
    return true;
  }

  /** everything was read back: start the file over so it never grows past the worst backlog */
  private reset(): void {
    if (this.fd !== null && this.written > 0) fs.ftruncateSync(this.fd, 0);
    this.written = this.readPos = 0;
    this.readAhead = Buffer.alloc(0);
  }
}
