import type { PacingStats, SourceStreamProbe } from "./types";

export interface RdbPacerOptions {
  /** absent: the RDB is always read at network speed */
  probe?: SourceStreamProbe;
  /** bytes waiting in the spool at which the socket stops being read; it is read again below half */
  pauseAtBytes: number;
  /** a pause longer than this ends pacing for the transfer (the master drops a replica silent for repl-timeout) */
  maxPauseMs: number;
  pauseSocket(): void;
  resumeSocket(): void;
  notice(message: string): void;
}

/**
 * Paces a full sync's RDB transfer to the consumer, when the master can afford it.
 *
 * Read at network speed, an RDB outruns its loading (the destination is the slower side): the surplus
 * went to the spool file, tens of MB per million keys, and the source's fork child ran ahead taking
 * CPU from the load, which then finished alone. Paced, the socket stops being read while the spool
 * holds `pauseAtBytes`, so the child waits and nothing touches the disk.
 *
 * What the master writes meanwhile waits in this replica's output buffer until the RDB is sent, so
 * pacing lasts only while the probe shows that growth within its budget; past it, or with no fresh
 * sample, or after a pause of `maxPauseMs`, the transfer goes back to network speed for good.
 */
export class RdbPacer {
  private active = false;
  private paused = false;
  private offset = 0;
  private pausedAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly s: PacingStats = { pauses: 0, pausedMs: 0, stoppedBecause: null };

  constructor(private readonly o: RdbPacerOptions) {}

  get isPaused(): boolean {
    return this.paused;
  }

  stats(): PacingStats {
    return { ...this.s, pausedMs: this.s.pausedMs + (this.paused ? Date.now() - this.pausedAt : 0) };
  }

  /** a transfer starts; `offset` is the FULLRESYNC offset (the stream after the RDB starts there) */
  begin(offset: number): void {
    if (!this.o.probe) return;
    if (this.active) this.end();
    this.active = true;
    this.offset = offset;
    this.s.stoppedBecause = null;
    this.o.probe.start();
  }

  /** socket bytes went into the spool, which now holds `pending` bytes */
  received(pending: number): void {
    if (!this.active || this.paused || pending < this.o.pauseAtBytes || !this.affordable()) return;
    this.paused = true;
    this.pausedAt = Date.now();
    this.s.pauses++;
    this.o.pauseSocket();
    this.timer ??= setInterval(() => this.check(), 100);
  }

  /** the consumer took bytes; the spool holds `pending` */
  delivered(pending: number): void {
    if (this.paused && pending < this.o.pauseAtBytes / 2) this.release();
  }

  /** the RDB is over, or the link: reads go on at network speed */
  end(): void {
    const wasActive = this.active;
    this.active = false;
    this.release();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (wasActive) this.o.probe?.stop();
  }

  private check(): void {
    if (!this.paused) return;
    if (Date.now() - this.pausedAt > this.o.maxPauseMs) {
      this.stop(`the consumer held the RDB for more than ${this.o.maxPauseMs / 1000} s`);
    } else if (!this.affordable()) {
      this.release();
    }
  }

  /** whether the master's stream has room to wait; stops pacing once it is over budget */
  private affordable(): boolean {
    const probe = this.o.probe!;
    const growth = probe.growthSince(this.offset);
    if (growth === null) return false;
    if (growth <= probe.budget) return true;
    this.stop(`the source wrote ${mib(growth)} to its replication stream since the transfer began (it holds that for this replica until the RDB is sent; budget ${mib(probe.budget)})`);
    return false;
  }

  private stop(reason: string): void {
    if (!this.active) return;
    this.s.stoppedBecause = reason;
    this.end();
    this.o.notice(`reading the RDB at network speed from now on, the rest waiting in the spool file: ${reason}`);
  }

  private release(): void {
    if (!this.paused) return;
    this.paused = false;
    this.s.pausedMs += Date.now() - this.pausedAt;
    this.o.resumeSocket();
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}
