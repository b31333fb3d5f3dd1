import { Crc64, nativeFooters } from "./crc64";

/**
 * The CRC-64 footers of RESTORE payloads staged in a writer connection's buffer, computed in one
 * native call when the buffer is sent instead of one call per payload: a 1M-key full sync writes
 * ~370k payloads, and a call cost more than the CRC of its ~300 bytes (147 ms of the engine's CPU in
 * its profile, most of it the calls).
 *
 * Only the buffer a connection opened with `open()` holds pending footers, and that connection
 * settles it before any of its bytes leave (flush, or handing unanswered commands back after a
 * break). Any other buffer gets its footer at once, so a caller that knows nothing of this (a test,
 * a command written into a buffer of its own) always reads whole payloads. Without the addon every
 * footer is computed at once.
 */
export class PayloadFooters {
  private target: Uint8Array | null = null;
  private ranges = new Int32Array(2 * 1024);
  private count = 0;
  private readonly crc = new Crc64();

  /** `target` may hold pending footers until settle(target); another buffer's pending ones are written now */
  open(target: Uint8Array): void {
    if (this.target === target) return;
    this.settle();
    this.target = nativeFooters() ? target : null;
  }

  /** the CRC-64 of target[start, end), 8 bytes little-endian at `end`: pending if target is the open buffer */
  write(target: Uint8Array, start: number, end: number): void {
    if (target === this.target) {
      if (this.count * 2 === this.ranges.length) this.grow();
      this.ranges[this.count * 2] = start;
      this.ranges[this.count * 2 + 1] = end;
      this.count++;
      return;
    }
    this.writeNow(target, start, end);
  }

  /** writes the pending footers (of `target` only, when given: another buffer's wait for their own settle) */
  settle(target?: Uint8Array): void {
    if (this.count === 0 || (target !== undefined && target !== this.target)) return;
    const footers = nativeFooters();
    const n = this.count;
    this.count = 0;
    if (footers) return footers(this.target!, this.ranges, n);
    // the backend was switched while footers were pending (tests): the same footers, one by one
    for (let i = 0; i < n; i++) this.writeNow(this.target!, this.ranges[2 * i], this.ranges[2 * i + 1]);
  }

  /** pending footers of `target` written and the buffer closed: it is about to be reused or handed away */
  close(target: Uint8Array): void {
    if (this.target !== target) return;
    this.settle();
    this.target = null;
  }

  get pending(): number {
    return this.count;
  }

  private writeNow(target: Uint8Array, start: number, end: number): void {
    this.crc.lo = 0;
    this.crc.hi = 0;
    this.crc.update(target, start, end).writeLE(target, end);
  }

  private grow(): void {
    const next = new Int32Array(this.ranges.length * 2);
    next.set(this.ranges);
    this.ranges = next;
  }
}

/** one per process: every writer connection stages on the one JavaScript thread */
export const payloadFooters = new PayloadFooters();
