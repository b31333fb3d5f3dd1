import { DtsError } from "../../errors";
import { encodeCommand } from "../resp/encoder";

/**
 * REPLCONF ACK <offset>, every `intervalMs` and on demand (GETACK). The offset is what the consumer
 * APPLIED, clamped to what was received: a master uses it for WAIT, min-replicas-to-write and
 * failover decisions, so it must never claim more than the destination holds.
 */
export class AckSender {
  private timer: NodeJS.Timeout | null = null;
  private fastTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  last: number | null = null;

  constructor(
    private readonly o: {
      intervalMs: number;
      appliedOffset: () => number;
      receivedOffset: () => number;
      write: (bytes: Buffer) => void;
      fail: (error: DtsError) => void;
    },
  ) {}

  start(): void {
    // The first ACK right away: a diskless master starts streaming commands only after it. It can
    // arrive before the master has reaped its RDB child and put us online, in which case the master
    // ignores it; so repeat it quickly until the stream starts (for a few seconds at most) rather
    // than leave the master buffering writes for us until the next periodic ACK.
    this.send();
    this.timer ??= setInterval(() => this.send(), this.o.intervalMs);
    const streamStart = this.o.receivedOffset();
    const until = Date.now() + 5000;
    this.fastTimer ??= setInterval(() => {
      if (this.o.receivedOffset() !== streamStart || Date.now() > until) this.stopFast();
      else this.send();
    }, Math.min(100, this.o.intervalMs));
  }

  send(): void {
    if (this.stopped) return;
    let applied: number;
    try {
      applied = this.o.appliedOffset();
    } catch (err) {
      return this.o.fail(new DtsError("INTERNAL", `the applied-offset callback failed: ${(err as Error)?.message ?? String(err)}`, { cause: err }));
    }
    const offset = Math.max(0, Math.min(Math.floor(Number.isFinite(applied) ? applied : 0), this.o.receivedOffset()));
    this.last = offset;
    this.o.write(encodeCommand(["REPLCONF", "ACK", String(offset)]));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stopFast();
  }

  private stopFast(): void {
    if (this.fastTimer) clearInterval(this.fastTimer);
    this.fastTimer = null;
  }
}
