import { TokenBucket } from "./token-bucket";

/** A task's speed limits; null (or absent): unlimited. */
export interface SpeedLimits {
  /** full synchronization: keys written a second */
  keysPerSec?: number | null;
  /** full synchronization: MB (10^6 bytes of serialized values) written a second */
  mbPerSec?: number | null;
  /** incremental phase: commands applied a second */
  cmdsPerSec?: number | null;
}

/** What waits on a limit: take for each unit of work, ready() once take said false. */
export interface Throttle {
  take(n: number, bytes?: number): boolean;
  ready(): Promise<void>;
}

/** a wait shorter than this is not worth a timer: the bucket refills by then anyway */
const MIN_WAIT_MS = 10;

/**
 * One task's limits, shared by its shards (a limit is the task's, not each master's) and by every
 * reader: the full sync's loader takes keys and bytes, the incremental apply takes commands. Only the
 * consuming side waits: the replication socket is still read at full speed into the spool, so a
 * limit never makes the source drop the engine as a slow replica. Limits change while the task runs
 * (`set`): a waiting taker re-checks at once.
 */
export class SpeedLimiter {
  private readonly keys = new TokenBucket(null);
  private readonly bytes = new TokenBucket(null);
  private readonly cmds = new TokenBucket(null);
  private current: SpeedLimits = { keysPerSec: undefined, mbPerSec: undefined, cmdsPerSec: undefined };
  private waiters = new Set<() => void>();
  /** when a limit last held a taker back, and which */
  private heldAt = 0;
  private heldBy = "";

  constructor(limits: SpeedLimits = {}) {
    this.set(limits);
  }

  get limits(): SpeedLimits {
    return { ...this.current };
  }

  set(limits: SpeedLimits): void {
    const next = { keysPerSec: limits.keysPerSec ?? null, mbPerSec: limits.mbPerSec ?? null, cmdsPerSec: limits.cmdsPerSec ?? null };
    // the runner hands the stored limits over every half second: the same ones change nothing
    const c = this.current;
    if (c.keysPerSec === next.keysPerSec && c.mbPerSec === next.mbPerSec && c.cmdsPerSec === next.cmdsPerSec) return;
    this.current = next;
    this.keys.setRate(this.current.keysPerSec ?? null);
    this.bytes.setRate(this.current.mbPerSec ? this.current.mbPerSec * 1e6 : null);
    this.cmds.setRate(this.current.cmdsPerSec ?? null);
    // takers waiting on the old rates look again (a raised or removed limit frees them now)
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const w of waiting) w();
  }

  /** the full synchronization's side: keys and their serialized bytes */
  readonly fullSync: Throttle = {
    take: (n, bytes = 0) => {
      const k = this.keys.take(n);
      const b = this.bytes.take(bytes);
      if (k && b) return true;
      this.hold(!k ? `${fmt(this.current.keysPerSec!)} keys/s` : `${fmt(this.current.mbPerSec!)} MB/s`);
      return false;
    },
    ready: () => this.wait(() => Math.max(this.keys.waitMs(), this.bytes.waitMs())),
  };

  /** the incremental phase's side: commands of the stream */
  readonly incremental: Throttle = {
    take: (n) => {
      if (this.cmds.take(n)) return true;
      this.hold(`${fmt(this.current.cmdsPerSec!)} commands/s`);
      return false;
    },
    ready: () => this.wait(() => this.cmds.waitMs()),
  };

  /** "10000 keys/s" while a limit holds the engine back (it did within the last second), else null */
  throttledBy(now = Date.now()): string | null {
    return now - this.heldAt <= 1000 ? this.heldBy : null;
  }

  private hold(by: string): void {
    this.heldAt = Date.now();
    this.heldBy = by;
  }

  private wait(ms: () => number): Promise<void> {
    const first = ms();
    if (first <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(MIN_WAIT_MS, first));
      this.waiters.add(done);
    });
  }
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0+$/, "").replace(/\.$/, "");
}

/** Why a limit cannot be used (one sentence), or null: a number above zero. */
export function limitProblem(name: string, value: unknown): string | null {
  if (value === null || value === undefined || value === "") return null;
  const text = String(value).trim();
  const n = typeof value === "number" ? value : /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)(e[-+]?[0-9]+)?$/i.test(text) ? Number(text) : NaN;
  if (Number.isNaN(n)) return `${name} must be a number above 0 (got "${value}")`;
  if (!Number.isFinite(n) || n <= 0) return `${name} must be a number above 0 (got ${text})`;
  return null;
}

/** "10000 keys/s, 5 MB/s, 2000 commands/s" or "no limit" */
export function describeLimits(l: SpeedLimits): string {
  const parts: string[] = [];
  if (l.keysPerSec) parts.push(`${fmt(l.keysPerSec)} keys/s`);
  if (l.mbPerSec) parts.push(`${fmt(l.mbPerSec)} MB/s`);
  if (l.cmdsPerSec) parts.push(`${fmt(l.cmdsPerSec)} commands/s`);
  return parts.length ? parts.join(", ") : "no limit";
}
