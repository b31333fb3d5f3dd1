import type { ReplyError } from "../resp/values";
/**
 * The FIFO of commands sent on one connection and not yet answered, as parallel typed arrays: one slot
 * per command, no object or closure per command. A command's bytes stay where they were encoded
 * (a slice of a staging buffer, or the caller's own buffer) so they can be resent after a fault.
 */
export const KIND_COMMAND = 0;
/** SELECT / ASKING: a reply error means the following commands ran in the wrong place */
export const KIND_INTERNAL = 1;
/** a control command awaited through a Promise (setup, rare) */
export const KIND_CALL = 2;
/**
 * one command inside a transaction batch (MULTI, a queued command): its reply (OK, QUEUED or a
 * refusal) is checked by the connection; the batch's bytes and outcome sit on its EXEC entry
 */
export const KIND_PART = 3;

/** What the owner gets back for one command (the reply handler's argument is reused: do not keep it). */
export class RingEntry {
  kind = 0;
  seg: Buffer = EMPTY;
  start = 0;
  end = 0;
  tag = 0;
  seq = 0;
  slot = -1;
  db = 0;
  flags = 0;
  /** a batch refused before it ran (EXECABORT): the index of the command the server refused while queueing */
  part = -1;
  /**
   * a batch whose MULTI was refused: its commands ran one by one (no transaction); these are the
   * ones refused, by index
   */
  loose: Array<[number, ReplyError]> | null = null;
  /** a command sent as several buffers (a big value by reference, see encodeParts), else null */
  parts: Buffer[] | null = null;
  /** the encoded command (allocates a view, or a copy of a command sent in parts: only on the error path) */
  bytes(): Buffer {
    return this.parts !== null ? Buffer.concat(this.parts) : this.seg.subarray(this.start, this.end);
  }
}
const EMPTY = Buffer.alloc(0);

export class CommandRing {
  private capacity: number;
  private mask: number;
  private head = 0;
  count = 0;
  /** commands pushed / shifted since the start (a command pushed as the n-th is answered once shifted >= n) */
  pushed = 0;
  shifted = 0;
  private kinds: Uint8Array;
  private flagsArr: Uint16Array;
  private segs: Buffer[];
  /** commands sent in parts: their buffers (null for the others; see RingEntry.parts) */
  private partsArr: (Buffer[] | null)[];
  private starts: Int32Array;
  private ends: Int32Array;
  private tags: Float64Array;
  private seqs: Float64Array;
  private slots: Int32Array;
  private dbs: Int32Array;

  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap < initialCapacity) cap *= 2;
    this.capacity = cap;
    this.mask = cap - 1;
    this.kinds = new Uint8Array(cap);
    this.flagsArr = new Uint16Array(cap);
    this.segs = new Array<Buffer>(cap).fill(EMPTY);
    this.partsArr = new Array<Buffer[] | null>(cap).fill(null);
    this.starts = new Int32Array(cap);
    this.ends = new Int32Array(cap);
    this.tags = new Float64Array(cap);
    this.seqs = new Float64Array(cap);
    this.slots = new Int32Array(cap);
    this.dbs = new Int32Array(cap);
  }

  push(kind: number, seg: Buffer, start: number, end: number, tag: number, seq: number, slot: number, db: number, flags: number): void {
    if (this.count === this.capacity) this.grow();
    const i = (this.head + this.count) & this.mask;
    this.kinds[i] = kind;
    this.segs[i] = seg;
    this.starts[i] = start;
    this.ends[i] = end;
    this.tags[i] = tag;
    this.seqs[i] = seq;
    this.slots[i] = slot;
    this.dbs[i] = db;
    this.flagsArr[i] = flags;
    this.count++;
    this.pushed++;
  }

  /** A command sent as `parts` (its encoding, `bytes` long, in order): kept by reference. */
  pushParts(kind: number, parts: Buffer[], bytes: number, tag: number, seq: number, slot: number, db: number, flags: number): void {
    this.push(kind, EMPTY, 0, bytes, tag, seq, slot, db, flags);
    this.partsArr[(this.head + this.count - 1) & this.mask] = parts;
  }

  /** Removes the oldest command, copying it into `into`. */
  shift(into: RingEntry): void {
    const i = this.head;
    into.kind = this.kinds[i];
    into.seg = this.segs[i];
    into.start = this.starts[i];
    into.end = this.ends[i];
    into.tag = this.tags[i];
    into.seq = this.seqs[i];
    into.slot = this.slots[i];
    into.db = this.dbs[i];
    into.flags = this.flagsArr[i];
    into.parts = this.partsArr[i];
    this.segs[i] = EMPTY; // let the staging buffer go once every command in it is answered
    this.partsArr[i] = null; // and a big value once its command is answered
    this.head = (i + 1) & this.mask;
    this.count--;
    this.shifted++;
  }

  /** tag of the oldest command of kind COMMAND, or undefined */
  oldestTag(): number | undefined {
    for (let n = 0, i = this.head; n < this.count; n++, i = (i + 1) & this.mask) if (this.kinds[i] === KIND_COMMAND) return this.tags[i];
    return undefined;
  }

  private grow(): void {
    const cap = this.capacity * 2;
    const copy = <T extends Uint8Array | Uint16Array | Int32Array | Float64Array>(old: T, fresh: T): T => {
      for (let n = 0; n < this.count; n++) fresh[n] = old[(this.head + n) & this.mask];
      return fresh;
    };
    this.kinds = copy(this.kinds, new Uint8Array(cap));
    this.flagsArr = copy(this.flagsArr, new Uint16Array(cap));
    this.starts = copy(this.starts, new Int32Array(cap));
    this.ends = copy(this.ends, new Int32Array(cap));
    this.tags = copy(this.tags, new Float64Array(cap));
    this.seqs = copy(this.seqs, new Float64Array(cap));
    this.slots = copy(this.slots, new Int32Array(cap));
    this.dbs = copy(this.dbs, new Int32Array(cap));
    const segs = new Array<Buffer>(cap).fill(EMPTY);
    for (let n = 0; n < this.count; n++) segs[n] = this.segs[(this.head + n) & this.mask];
    this.segs = segs;
    const parts = new Array<Buffer[] | null>(cap).fill(null);
    for (let n = 0; n < this.count; n++) parts[n] = this.partsArr[(this.head + n) & this.mask];
    this.partsArr = parts;
    this.head = 0;
    this.capacity = cap;
    this.mask = cap - 1;
  }
}
