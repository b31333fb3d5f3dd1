import { DtsError } from "../../errors";
import type { Finding } from "./check-keys";

/**
 * Keys that differed, waiting for their next check. A sync in progress makes the two sides differ
 * for a moment on every written key; a key is reported only when it differs at every one of
 * `rounds` checks, `delayMs` apart. The queue is FIFO with due times in order, bounded by
 * `maxPending` keys: when full, the scan waits for the oldest entry's turn instead of growing it.
 */

export type Pass = "source" | "target";
export type CheckRun = (pass: Pass, db: number, keys: Buffer[]) => Promise<Finding[]>;

interface Entry {
  due: number;
  /** checks done so far */
  checks: number;
  pass: Pass;
  db: number;
  keys: Buffer[];
}

export class RecheckQueue {
  private entries: Entry[] = [];
  private pendingKeys = 0;

  constructor(
    private readonly opts: { rounds: number; delayMs: number; maxPending: number; signal?: AbortSignal },
    private readonly run: CheckRun,
    private readonly report: (f: Finding) => void,
  ) {}

  get size(): number {
    return this.pendingKeys;
  }

  /** Findings of a check: reported when it was the last allowed check, queued otherwise. */
  add(pass: Pass, db: number, findings: Finding[], checks: number): void {
    if (findings.length === 0) return;
    if (checks >= this.opts.rounds) {
      for (const f of findings) this.report(f);
      return;
    }
    // copies: a key read from a socket may be a view that keeps its whole network chunk alive
    this.entries.push({ due: Date.now() + this.opts.delayMs, checks, pass, db, keys: findings.map((f) => Buffer.from(f.key)) });
    this.pendingKeys += findings.length;
  }

  /** Re-checks every entry whose time has come, without waiting. */
  async serviceDue(): Promise<void> {
    while (this.entries.length > 0 && this.entries[0].due <= Date.now()) await this.checkHead();
  }

  /** Waits (re-checking in turn) until the queue is below its bound again. */
  async waitForRoom(): Promise<void> {
    while (this.pendingKeys >= this.opts.maxPending) await this.waitHead();
  }

  /** Re-checks everything to the end, waiting for each entry's time. */
  async drain(onTick?: () => void): Promise<void> {
    while (this.entries.length > 0) {
      await this.waitHead();
      onTick?.();
    }
  }

  private async waitHead(): Promise<void> {
    const wait = this.entries[0].due - Date.now();
    if (wait > 0) await sleep(wait, this.opts.signal);
    await this.checkHead();
  }

  private async checkHead(): Promise<void> {
    const head = this.entries.shift()!;
    this.pendingKeys -= head.keys.length;
    if (this.opts.signal?.aborted) throw cancelled();
    this.add(head.pass, head.db, await this.run(head.pass, head.db, head.keys), head.checks + 1);
  }
}

export function cancelled(): DtsError {
  return new DtsError("CANCELLED", "comparison cancelled");
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
