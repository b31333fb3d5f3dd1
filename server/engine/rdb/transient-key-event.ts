import type { RedisType } from "../values/typed-value";
import { crcOfByteHi, crcOfByteLo, crcWindow } from "./crc64";
import { WINDOW_BASE } from "./crc64-wasm";
import { copyOut } from "./primitives";
import type { RdbKeyEvent } from "./types";

/**
 * A key event whose value is not copied out of the parser's input (RdbParserOptions.transientValues):
 * the loader writes it into a RESTORE command from where it lies, while the event is being handled.
 * The parser hands out the same object for every key, and its `key` in one buffer per key length: a
 * consumer that keeps a key past its callback keeps a copy of the fields it needs, the key's bytes
 * included (the loader's `kept()`), reading `raw` during the callback (after it the input is gone,
 * and the object and the key buffer describe a later key).
 */
export class TransientKeyEvent implements RdbKeyEvent {
  readonly kind = "key" as const;
  db = 0;
  key: Buffer = EMPTY;
  rdbType = 0;
  type: RedisType = "string";
  expireAt: number | null = null;
  idle: number | undefined = undefined;
  freq: number | undefined = undefined;
  rdbVersion = 0;
  moduleName: string | undefined = undefined;
  valueOffset = 0;
  valueBuf: Uint8Array | null = null;
  valueStart = 0;
  valueEnd = 0;
  /**
   * where valueBuf[valueStart] lies in the CRC window (-1: not there). The payload CRC is computed
   * when first read, during the callback: most values of a full sync (plain strings, sent in batches)
   * never need one.
   */
  crcWindowAt = -1;
  private crcState = 0; // 0 not computed, 1 computed
  private lo = -1;
  private hi = 0;
  /** the parser's offer to hand over a big value in place instead of copying it (null: copy) */
  adopt: ((ev: TransientKeyEvent) => Buffer | null) | null = null;
  private copy: Buffer | null = null;

  /** ready for the next key (every field is then set by the parser) */
  reset(): void {
    this.crcWindowAt = -1;
    this.crcState = 0;
    this.lo = -1;
    this.hi = 0;
    this.adopt = null;
    this.copy = null;
  }

  get crcLo(): number {
    if (this.crcState === 0) this.computeCrc();
    return this.lo;
  }

  get crcHi(): number {
    if (this.crcState === 0) this.computeCrc();
    return this.hi;
  }

  private computeCrc(): void {
    // after the callback the window holds other input: no CRC (the consumer computes it from raw)
    if (this.valueBuf === null || this.crcWindowAt < 0) return;
    const win = crcWindow();
    if (win === null) return;
    this.lo = win.at(WINDOW_BASE + this.crcWindowAt, this.valueEnd - this.valueStart, crcOfByteLo(this.rdbType), crcOfByteHi(this.rdbType));
    this.hi = win.hi;
    this.crcState = 1;
  }

  get raw(): Buffer {
    if (this.copy === null) {
      if (this.valueBuf === null) throw new Error("a transient RDB key event's value was read after its callback returned");
      this.copy = this.adopt?.(this) ?? copyOut(this.valueBuf, this.valueStart, this.valueEnd, this.rdbType);
    }
    return this.copy;
  }
}

const EMPTY = Buffer.alloc(0);
