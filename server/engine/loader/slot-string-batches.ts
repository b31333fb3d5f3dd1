import calculateSlot from "cluster-key-slot";
import { WRITE_NOT_SET, WRITE_REPLAY_SAFE, type DestinationWriter } from "../writer/types";
import { PairsCommand, pairBytes, writePair, type KeyBatches } from "./string-batch";

/**
 * Plain strings of a full sync into a cluster destination, many keys per command: one MSET(NX) may
 * not span slots, and consecutive keys of an RDB are in different slots (a master's ~5,500 slots
 * interleave), so each slot gathers its keys in its own CHUNK bytes of one arena while the load goes
 * on, and is written when its chunk is full, before anything that is not a key, and at the end. A
 * 1M-key sync into 3 masters then sends ~4 keys per command where each was a RESTORE (a short
 * string's RESTORE cost the destination ~2.4 µs, a key of a 4-key MSET ~1.6 µs, and the engine a
 * payload CRC).
 *
 * The arena is indexed by slot: no allocation per key, and memory is the chunks of the slots this
 * source sends, touched page by page (a master of 3: ~2.7 MiB; all 16,384 slots: 8 MiB), whatever
 * the dataset. Unlike the standalone batch (string-batch.ts), a chunk stays filled while the loader
 * waits for room: waiting is most of a full sync, and a batch that closed at each wait held one key.
 * MSETNX's all-or-nothing answer is handled as there (loader.ts).
 */

const SLOTS = 16384;
const CHUNK = 512;

export class SlotStringBatches implements KeyBatches {
  /** slot s gathers its pairs in arena[s * CHUNK, s * CHUNK + used[s]) */
  private arena: Buffer | null = null;
  private readonly used = new Uint16Array(SLOTS);
  private readonly keys = new Uint16Array(SLOTS);
  /** the slots written into since close(), each once (`listed`), for close() */
  private readonly filled = new Int32Array(SLOTS);
  private readonly listed = new Uint8Array(SLOTS);
  private nFilled = 0;
  /** keys in the chunks */
  pending = 0;
  private readonly command = new PairsCommand();

  constructor(
    private readonly writer: DestinationWriter,
    /** the conflict policy overwrites existing keys: MSET */
    private readonly overwrite: boolean,
    /** the loader's next tag, taken when a batch is written */
    private readonly nextTag: () => number,
  ) {}

  /** Adds a key (its value buf[from, to)); false when the writer is full. */
  add(db: number, key: Buffer, buf: Uint8Array, from: number, to: number): boolean {
    const size = pairBytes(key.length, to - from);
    // a pair bigger than a chunk goes alone
    if (size > CHUNK) return this.writeAlone(db, key, buf, from, to);
    const slot = calculateSlot(key);
    const room = this.used[slot] + size > CHUNK ? this.write(db, slot, key) : true;
    if (this.listed[slot] === 0) {
      this.listed[slot] = 1;
      this.filled[this.nFilled++] = slot;
    }
    this.arena ??= Buffer.allocUnsafeSlow(SLOTS * CHUNK);
    const at = slot * CHUNK;
    this.used[slot] = writePair(this.arena, at + this.used[slot], key, buf, from, to) - at;
    this.keys[slot]++;
    this.pending++;
    return room;
  }

  /** Writes every slot's pairs (before any other write that must follow them, and at the end). */
  close(): boolean {
    let room = true;
    for (let i = 0; i < this.nFilled; i++) {
      const slot = this.filled[i];
      this.listed[slot] = 0;
      if (this.used[slot] > 0) room = this.write(0, slot, this.firstKey(slot)) && room;
    }
    this.nFilled = 0;
    // nothing is gathered between loads: the arena's memory goes back
    this.arena = null;
    return room;
  }

  /** The loader waits for room: the chunks stay filled (see the comment at the top). */
  settle(): void {}

  /** routes by a key of the slot */
  private write(db: number, slot: number, routeKey: Buffer): boolean {
    const from = slot * CHUNK;
    const cmd = this.command.set(this.overwrite, this.keys[slot], this.arena!, from, from + this.used[slot]);
    this.pending -= this.keys[slot];
    this.used[slot] = 0;
    this.keys[slot] = 0;
    return this.writer.writeEncoded(db, cmd, routeKey, this.nextTag(), this.overwrite ? WRITE_REPLAY_SAFE : WRITE_NOT_SET);
  }

  private writeAlone(db: number, key: Buffer, buf: Uint8Array, from: number, to: number): boolean {
    // a view: write() encodes the command at once
    const argv = [this.overwrite ? "MSET" : "MSETNX", key, Buffer.from(buf.buffer, buf.byteOffset + from, to - from)];
    return this.writer.write(db, argv, key, this.nextTag(), this.overwrite ? WRITE_REPLAY_SAFE : WRITE_NOT_SET);
  }

  /** the first key gathered in a slot's chunk (`$<len>\r\n<key>\r\n...`) */
  private firstKey(slot: number): Buffer {
    const arena = this.arena!;
    let p = slot * CHUNK + 1;
    let len = 0;
    while (arena[p] !== 13) len = len * 10 + arena[p++] - 48;
    return arena.subarray(p + 2, p + 2 + len);
  }
}
