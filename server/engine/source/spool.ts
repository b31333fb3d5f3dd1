import { SpoolFile, type SpoolRecord } from "./spool-file";

export type { SpoolRecord } from "./spool-file";

/**
 * Who owns a data record's bytes: the spool ("owned"), or the caller, for this call only ("lent": a
 * reused socket buffer); "lent-kept": lent, and the consumer keeps what it is given (a copy even when
 * delivered at once). A lent record that goes to the file is copied once, into the file's write block.
 */
export type Ownership = "owned" | "lent" | "lent-kept";

export interface SpoolOptions {
  /** folder for the overflow file (created when needed) */
  dir: string;
  /** bytes of records held in memory before new ones go to the file */
  memoryLimit: number;
  /** size of one disk write / read (default 1 MiB, at most memoryLimit) */
  blockSize?: number;
  /** bytes handed to the consumer per event-loop turn before yielding to I/O (default 4 MiB) */
  tickBudget?: number;
}

export interface SpoolStats {
  /** bytes of records waiting (memory + file) */
  pendingBytes: number;
  /** bytes held in memory now (queue + file write batch + file read block) */
  memoryBytes: number;
  peakMemoryBytes: number;
  /** bytes that went through the file since the start */
  spilledBytes: number;
  /** the largest size the overflow file reached */
  peakFileBytes: number;
}

/**
 * A FIFO between a producer that must not wait long (the replication socket: a master drops a replica
 * whose output buffer grows; rdb-pacer.ts decides when it may) and a consumer that waits when it likes
 * (pause/resume).
 *
 * While the consumer keeps up, records go straight through memory, with no copy. Past `memoryLimit`
 * new records go to a file and are read back in order once the memory queue is drained; when the
 * file is drained the spool returns to memory. Memory is bounded by memoryLimit + two blocks + one
 * record, whatever the backlog.
 */
export class Spool<E> {
  private readonly memory: SpoolRecord<E>[] = [];
  private memoryHead = 0;
  private memoryQueued = 0;
  private readonly file: SpoolFile<E>;
  /** once a record went to the file, later ones follow it there until it is drained (order) */
  private spilling = false;
  private paused = false;
  private closed = false;
  private draining = false;
  private scheduled: NodeJS.Immediate | null = null;
  private readonly memoryLimit: number;
  private readonly tickBudget: number;
  private peakMemory = 0;
  private spilled = 0;

  constructor(
    options: SpoolOptions,
    private readonly deliver: (record: SpoolRecord<E>) => void,
  ) {
    this.memoryLimit = Math.max(1, options.memoryLimit);
    const blockSize = Math.max(4096, Math.min(options.blockSize ?? 1 << 20, this.memoryLimit));
    this.tickBudget = options.tickBudget ?? 4 << 20;
    this.file = new SpoolFile<E>(options.dir, blockSize);
  }

  push(record: SpoolRecord<E>, ownership: Ownership = "owned"): void {
    if (this.closed) return;
    const size = recordSize(record);
    // A record larger than the limit still passes through memory when nothing else is queued: the
    // fast path never touches the disk, and the bound becomes limit + one record (a socket read).
    if (!this.spilling && (this.memoryQueued === 0 || this.memoryQueued + size <= this.memoryLimit)) {
      if (ownership !== "owned" && record.kind === "data" && (ownership === "lent-kept" || !this.deliversNow())) {
        record = { kind: "data", data: Buffer.from(record.data) };
      }
      this.memory.push(record);
      this.memoryQueued += size;
    } else {
      this.spilling = true;
      this.file.append(record, ownership === "lent");
      this.spilled += size;
    }
    this.notePeak();
    if (!this.paused && !this.draining && !this.scheduled) this.drain();
  }

  /** a record pushed now is delivered before push() returns */
  private deliversNow(): boolean {
    return !this.paused && !this.draining && !this.scheduled && !this.spilling && this.memoryQueued === 0;
  }

  /** stop delivering after the current record (call it from inside the consumer's callback too) */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (this.closed || !this.paused) return;
    this.paused = false;
    // Not synchronous: resume() is often called from the consumer's own completion callback, and a
    // delivery re-entering it would interleave with the work that callback is finishing.
    if (!this.draining && !this.scheduled) this.scheduled = setImmediate(() => this.drainScheduled());
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** bytes of records waiting (memory + file) */
  get pendingBytes(): number {
    return this.memoryQueued + this.file.pendingBytes;
  }

  get isEmpty(): boolean {
    return this.memoryQueued === 0 && this.file.isEmpty;
  }

  stats(): SpoolStats {
    return {
      pendingBytes: this.memoryQueued + this.file.pendingBytes,
      memoryBytes: this.memoryQueued + this.file.memoryBytes,
      peakMemoryBytes: this.peakMemory,
      spilledBytes: this.spilled,
      peakFileBytes: this.file.peakFileBytes,
    };
  }

  /** drops everything not yet delivered and removes the file */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    this.memory.length = 0;
    this.memoryHead = 0;
    this.memoryQueued = 0;
    this.file.close();
  }

  private drainScheduled(): void {
    this.scheduled = null;
    this.drain();
  }

  private drain(): void {
    this.draining = true;
    let budget = this.tickBudget;
    try {
      while (!this.paused && !this.closed) {
        const record = this.shift();
        if (!record) return;
        this.deliver(record);
        budget -= recordSize(record);
        if (budget <= 0) {
          // Yield so socket reads keep happening while a large backlog is replayed.
          if (!this.paused && !this.closed && !this.isEmpty) this.scheduled = setImmediate(() => this.drainScheduled());
          return;
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private shift(): SpoolRecord<E> | null {
    if (this.memoryHead < this.memory.length) {
      const record = this.memory[this.memoryHead];
      this.memory[this.memoryHead++] = undefined as unknown as SpoolRecord<E>;
      this.memoryQueued -= recordSize(record);
      if (this.memoryHead === this.memory.length) {
        this.memory.length = 0;
        this.memoryHead = 0;
      } else if (this.memoryHead > 1024 && this.memoryHead * 2 > this.memory.length) {
        this.memory.splice(0, this.memoryHead);
        this.memoryHead = 0;
      }
      return record;
    }
    if (!this.spilling) return null;
    const record = this.file.shift();
    if (this.file.isEmpty) this.spilling = false;
    this.notePeak();
    return record;
  }

  private notePeak(): void {
    const now = this.memoryQueued + this.file.memoryBytes;
    if (now > this.peakMemory) this.peakMemory = now;
  }
}

function recordSize(record: SpoolRecord<unknown>): number {
  return record.kind === "data" ? record.data.length : 64;
}
