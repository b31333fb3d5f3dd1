import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { DtsError } from "../../errors";

/** One entry of the spool: replication bytes, or a small marker between them (JSON-safe). */
export type SpoolRecord<E> = { kind: "data"; data: Buffer } | { kind: "event"; event: E };

const HEADER = 5; // u8 kind + u32 length
const KIND_DATA = 0;
const KIND_EVENT = 1;
/** data its consumer only borrows during the delivery (the RDB: the parser copies what it keeps) */
const KIND_DATA_LENT = 2;

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
  /**
   * The read block reused while the records read are lent ones (a full sync's RDB). A fresh block per
   * read cost a mapping and a page fault per 4 KiB: 121 MB of RDB took ~570 ms of readSync and
   * faults, against ~10 ms into one reused block. Records their consumer keeps are read into fresh
   * blocks (handed out as views) as before.
   */
  private reusedBlock: Buffer | null = null;
  /** the last data record handed out was one its consumer keeps */
  private keptMode = false;
  private peak = 0;

  constructor(
    private readonly dir: string,
    private readonly blockSize: number,
  ) {}

  /** bytes waiting in this file (flushed or batched), not yet read back */
  get pendingBytes(): number {
    return this.written - this.readPos + this.writeBytes + this.readAhead.length;
  }

  /** memory held by this part of the spool right now: the write block and the reused read block (kept from the first spill on), and a fresh read block */
  get memoryBytes(): number {
    const fresh = this.readAhead.buffer === this.reusedBlock?.buffer ? 0 : this.readAhead.length;
    return (this.block?.length ?? 0) + (this.reusedBlock?.length ?? 0) + fresh;
  }

  /** the largest size the file reached */
  get peakFileBytes(): number {
    return this.peak;
  }

  get isEmpty(): boolean {
    return this.pendingBytes === 0;
  }

  /**
   * Copies the record (its bytes may be lent: valid during this call only). `lentOut`: its consumer
   * will only borrow it when it is read back, so it may be handed out from a reused block.
   */
  append(record: SpoolRecord<E>, lentOut = false): void {
    const payload = record.kind === "data" ? record.data : Buffer.from(JSON.stringify(record.event), "utf8");
    const block = (this.block ??= Buffer.allocUnsafe(this.blockSize));
    if (this.writeBytes + HEADER > block.length) this.flush();
    block[this.writeBytes] = record.kind === "data" ? (lentOut ? KIND_DATA_LENT : KIND_DATA) : KIND_EVENT;
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
    let payload = this.readAhead.subarray(HEADER, HEADER + length);
    this.readAhead = this.readAhead.subarray(HEADER + length);
    if (kind === KIND_DATA || kind === KIND_DATA_LENT) this.keptMode = kind === KIND_DATA;
    // a kept record read into the reused block must not change under its consumer at the next read
    if (kind === KIND_DATA && payload.buffer === this.reusedBlock?.buffer) payload = Buffer.from(payload);
    if (this.isEmpty) this.reset();
    if (kind !== KIND_EVENT) return { kind: "data", data: payload };
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
    this.reusedBlock = null;
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
    const size = this.readAhead.length + want;
    let block: Buffer;
    if (this.keptMode || size > 2 * this.blockSize) {
      block = Buffer.allocUnsafe(size);
      this.readAhead.copy(block, 0);
    } else {
      const reused = (this.reusedBlock ??= Buffer.allocUnsafe(2 * this.blockSize));
      block = reused.subarray(0, size);
      // what is not yet handed out moves to the start: a lent record handed out before is done with
      if (this.readAhead.buffer === reused.buffer) {
        const from = this.readAhead.byteOffset - reused.byteOffset;
        reused.copyWithin(0, from, from + this.readAhead.length);
      } else this.readAhead.copy(block, 0);
    }
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
