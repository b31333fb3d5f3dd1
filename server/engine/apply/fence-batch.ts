import { LazyArg, encodedLength, writeCommand } from "../resp/encoder";
import { RAISE_FENCE_SCRIPT, formatId, type FenceId, type Fences } from "./fence";

/**
 * Exactly-once for a standalone destination at the price of plain writes: the writes of one run of
 * the stream go as ONE transaction, MULTI · the writes · the fence raised to the id of the last write
 * (RAISE_FENCE_SCRIPT, one script per batch) · EXEC
 * (see fence.ts for why that is exact across a kill -9). A batch opens at the first write that must
 * not run twice (INCR, LPUSH…); every write after it joins, replay-safe or not, so the order on the
 * destination stays the stream's. It closes when it is full, before any other kind of step (the
 * applier calls close()), and at the latest once the current run of synchronous work is over.
 */

/** what the destination writer offers for batches (writer/types.ts, writeBatch) */
export interface BatchTarget {
  writeBatch(db: number, command: LazyArg, parts: number, tag?: number, flags?: number): boolean;
}

/** close a batch at this many writes or bytes: small enough to be copied into the writer's staging buffer */
const MAX_WRITES = 512;
const MAX_BYTES = 48 * 1024;

const MULTI = Buffer.from("*1\r\n$5\r\nMULTI\r\n");
const EXEC = Buffer.from("*1\r\n$4\r\nEXEC\r\n");
const EVAL = Buffer.from("EVAL");
const ONE_KEY = Buffer.from("1");
const FENCE_TTL_MS = Buffer.from("86400000");

/** the batch's bytes, copied once into the writer's staging buffer (never kept: the buffer is reused) */
class BatchBytes extends LazyArg {
  constructor(
    private readonly buf: Buffer,
    readonly byteLength: number,
  ) {
    super();
  }
  writeTo(target: Buffer, at: number): void {
    this.buf.copy(target, at, 0, this.byteLength);
  }
}

export class FenceBatch {
  private buf = Buffer.allocUnsafe(MAX_BYTES + 1024);
  private used = 0;
  private writes = 0;
  private db = 0;
  private tag = 0;
  private flags = 0;
  private last: FenceId = { offset: 0, sub: 0 };
  private scheduled = false;

  constructor(
    private readonly out: BatchTarget,
    private readonly fences: Fences,
  ) {}

  get open(): boolean {
    return this.writes > 0;
  }

  /**
   * Adds a write (`raw`: its bytes as received, when unchanged) tagged `tag` with fence id `id`.
   * Returns false when closing a full batch found the writer full (wait for it before going on).
   */
  add(db: number, argv: Buffer[], raw: Buffer | null, tag: number, id: FenceId, flags: number): boolean {
    if (this.writes > 0 && (db !== this.db || flags !== this.flags)) this.close();
    const size = raw ? raw.length : encodedLength(argv);
    if (this.writes === 0) this.begin(db, tag, flags);
    this.reserve(size);
    if (raw) this.used += raw.copy(this.buf, this.used);
    else this.used = writeCommand(argv, this.buf, this.used);
    this.writes++;
    this.last = id;
    return this.writes >= MAX_WRITES || this.used >= MAX_BYTES ? this.close() : true;
  }

  /** Hands the open batch to the writer; returns the writer's answer (false: it is full). */
  close(): boolean {
    if (this.writes === 0) return true;
    const fence = [EVAL, RAISE_FENCE_SCRIPT, ONE_KEY, this.fences.keyFor(null)!, Buffer.from(formatId(this.last)), FENCE_TTL_MS];
    this.reserve(encodedLength(fence) + EXEC.length);
    this.used = writeCommand(fence, this.buf, this.used);
    this.used += EXEC.copy(this.buf, this.used);
    // replies before EXEC's: MULTI, each write, the fence
    const parts = this.writes + 2;
    this.writes = 0;
    return this.out.writeBatch(this.db, new BatchBytes(this.buf, this.used), parts, this.tag, this.flags);
  }

  private begin(db: number, tag: number, flags: number): void {
    this.db = db;
    // the batch's tag is its first write's: the writer's watermark stays below it until EXEC is answered
    this.tag = tag;
    this.flags = flags;
    this.used = MULTI.copy(this.buf, 0);
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(() => {
        this.scheduled = false;
        // the writer failed or was closed meanwhile: the session ends, and a replay starts from the fences
        try {
          this.close();
        } catch {
          this.writes = 0;
        }
      });
    }
  }

  /** a write bigger than the batch buffer grows it (the applier sends writes that big outside batches) */
  private reserve(more: number): void {
    if (this.used + more <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.used + more));
    this.buf.copy(grown, 0, 0, this.used);
    this.buf = grown;
  }
}
