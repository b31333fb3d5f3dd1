import { LazyArg, digits, writeHeader } from "../resp/encoder";
import type { RdbKeyEvent } from "../rdb/types";
import { WRITE_NOT_SET, WRITE_REPLAY_SAFE, type DestinationWriter } from "../writer/types";

/**
 * Plain strings of the full sync, many keys per command: RESTORE costs the destination a command, a
 * payload check and a reply per key; MSETNX (MSET when existing keys are overwritten) sets up to
 * MAX_KEYS keys in one (about a third less destination CPU per key). This is the standalone
 * destination's (a cluster's gathers per slot: slot-string-batches.ts), for a string without TTL
 * or eviction hints (MSET carries neither), stored plainly in the RDB (not as an integer or LZF:
 * those go by RESTORE).
 *
 * The batch stays open while other keys of the load are written (RESTOREs, typed keys): in the RDB the
 * types alternate, and closing it at each of them left ~3 keys per command. It takes its tag when it
 * is closed, so the writer still sees tags in write order; no key of a full sync depends on another's
 * order (each key appears once).
 *
 * MSETNX sets all its keys or none: when one already exists it answers 0, which the writer reports
 * as BUSYKEY (WRITE_NOT_SET); the loader then sends each key alone the same way, so exactly the keys
 * that were there are reported as conflicts (loader.ts).
 */

const MAX_KEYS = 64;
const MAX_BYTES = 32 * 1024;
/** a value above this goes by RESTORE */
const MAX_VALUE = 8 * 1024;
const RDB_TYPE_STRING = 0;

/**
 * One MSET (or MSETNX) of `keys` pairs that lie encoded in body[from, to): its header, then the pairs,
 * copied into the writer's staging when written (the writer keeps no LazyArg), so one instance and
 * its body serve every batch.
 */
export class PairsCommand extends LazyArg {
  byteLength = 0;
  private readonly head = Buffer.allocUnsafe(32);
  private headLength = 0;
  private body: Buffer = this.head;
  private from = 0;
  private to = 0;

  set(overwrite: boolean, keys: number, body: Buffer, from: number, to: number): this {
    const h = writeHeader(this.head, 0, 42, 1 + 2 * keys);
    this.headLength = h + this.head.write(overwrite ? "$4\r\nMSET\r\n" : "$6\r\nMSETNX\r\n", h, "latin1");
    this.body = body;
    this.from = from;
    this.to = to;
    this.byteLength = this.headLength + to - from;
    return this;
  }

  writeTo(target: Buffer, at: number): void {
    this.head.copy(target, at, 0, this.headLength);
    this.body.copy(target, at + this.headLength, this.from, this.to);
  }
}

/** Bytes `$<k>\r\n<key>\r\n$<v>\r\n<value>\r\n` take. */
export function pairBytes(keyLength: number, valueLength: number): number {
  return 10 + digits(keyLength) + keyLength + digits(valueLength) + valueLength;
}

/** Writes a key and its value (buf[from, to)) as two bulk strings at `p`; returns the end. */
export function writePair(target: Buffer, p: number, key: Buffer, buf: Uint8Array, from: number, to: number): number {
  p = writeHeader(target, p, 36, key.length);
  // most keys are short: a loop beats a native copy there
  if (key.length <= 32) for (let i = 0; i < key.length; i++) target[p + i] = key[i];
  else target.set(key, p);
  p += key.length;
  target[p++] = 13;
  target[p++] = 10;
  p = writeHeader(target, p, 36, to - from);
  target.set(buf.subarray(from, to), p);
  p += to - from;
  target[p++] = 13;
  target[p++] = 10;
  return p;
}

/** Plain strings gathered into MSET(NX) commands: one open batch (standalone) or one per slot (cluster). */
export interface KeyBatches {
  /** Adds a key (its value buf[from, to)); false when the writer is full. */
  add(db: number, key: Buffer, buf: Uint8Array, from: number, to: number): boolean;
  /** Writes what is open: before any write that must follow it, and at the end. */
  close(): boolean;
  /** The loader is about to wait for room: writes what must not wait with it. */
  settle(): void;
  /** keys added and not yet handed to the writer (0 after close()) */
  readonly pending: number;
}

export class StringBatch implements KeyBatches {
  private body = Buffer.allocUnsafe(MAX_BYTES + MAX_VALUE + 2048);
  private readonly command = new PairsCommand();
  private used = 0;
  private keys = 0;
  private db = 0;
  private scheduled = false;

  constructor(
    private readonly writer: DestinationWriter,
    /** the conflict policy overwrites existing keys: MSET */
    private readonly overwrite: boolean,
    /** the loader's next tag, taken when the batch is written */
    private readonly nextTag: () => number,
  ) {}

  /**
   * Where the value's bytes start in e.valueBuf (they end at e.valueEnd) when `e` may go in a batch,
   * else -1 (a number, not a tuple: one array per string key was ~40 MB of a 1M-key sync's garbage).
   */
  static plainValue(e: RdbKeyEvent, hints: boolean): number {
    if (e.rdbType !== RDB_TYPE_STRING || e.expireAt !== null || !e.valueBuf || e.key.length > 1024) return -1;
    if (hints && (e.idle !== undefined || e.freq !== undefined)) return -1;
    const buf = e.valueBuf;
    let p = e.valueStart!;
    const end = e.valueEnd!;
    const b = buf[p];
    let len: number;
    // the RDB length encoding: 6 bits, 14 bits, 32 bits; 0b11: an integer or LZF (not plain)
    if (b >> 6 === 0) ((len = b & 0x3f), (p += 1));
    else if (b >> 6 === 1) ((len = ((b & 0x3f) << 8) | buf[p + 1]), (p += 2));
    else if (b === 0x80) ((len = buf[p + 1] * 0x1000000 + ((buf[p + 2] << 16) | (buf[p + 3] << 8) | buf[p + 4])), (p += 5));
    else return -1;
    if (len > MAX_VALUE || p + len !== end) return -1;
    return p;
  }

  /** Adds a key (its value buf[from, to)); false when the writer is full. */
  add(db: number, key: Buffer, buf: Uint8Array, from: number, to: number): boolean {
    if (this.keys > 0 && db !== this.db) this.close();
    if (this.keys === 0) this.begin(db);
    this.used = writePair(this.body, this.used, key, buf, from, to);
    this.keys++;
    return this.keys >= MAX_KEYS || this.used >= MAX_BYTES ? this.close() : true;
  }

  get pending(): number {
    return this.keys;
  }

  /** a batch left open while the loader waits would wait with it: written now */
  settle(): void {
    this.close();
  }

  /** Hands the open batch to the writer (before any other write of the load); false when it is full. */
  close(): boolean {
    if (this.keys === 0) return true;
    const command = this.command.set(this.overwrite, this.keys, this.body, 0, this.used);
    this.keys = 0;
    this.used = 0;
    return this.writer.writeEncoded(this.db, command, null, this.nextTag(), this.overwrite ? WRITE_REPLAY_SAFE : WRITE_NOT_SET);
  }

  private begin(db: number): void {
    this.db = db;
    this.used = 0;
    if (this.scheduled) return;
    this.scheduled = true;
    process.nextTick(() => {
      this.scheduled = false;
      try {
        this.close();
      } catch {
        // the writer failed: the load fails with it
        this.keys = 0;
      }
    });
  }
}
