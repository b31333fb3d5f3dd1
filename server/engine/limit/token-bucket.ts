/**
 * A token bucket: `rate` tokens a second, holding at most a tenth of a second's worth, so a limit is
 * kept over any window longer than that. A take may overdraw it (one big value passes whole); the
 * taker then waits until the debt is paid. No timers run while nobody waits.
 */
export class TokenBucket {
  private tokens = 0;
  private last = 0;
  private rate: number | null = null;

  constructor(
    rate: number | null,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.setRate(rate);
  }

  get perSecond(): number | null {
    return this.rate;
  }

  /** null: no limit. A new rate starts with at most its own burst (a lowered limit bites at once). */
  setRate(rate: number | null): void {
    this.refill();
    const was = this.rate;
    this.rate = rate !== null && rate > 0 ? rate : null;
    // from no limit: a full bucket; from another limit: what is left, cut to the new burst
    if (this.rate !== null) this.tokens = was === null ? this.capacity() : Math.min(this.tokens, this.capacity());
  }

  /** takes n tokens; false when the bucket is now empty (or in debt): the taker should wait */
  take(n: number): boolean {
    if (this.rate === null) return true;
    this.refill();
    this.tokens -= n;
    return this.tokens > 0;
  }

  /** milliseconds until the bucket holds a token again (0: it does) */
  waitMs(): number {
    if (this.rate === null) return 0;
    this.refill();
    return this.tokens > 0 ? 0 : ((1 - this.tokens) / this.rate) * 1000;
  }

  private capacity(): number {
    return Math.max(1, this.rate! / 10);
  }

  private refill(): void {
    const now = this.clock();
    if (this.rate !== null) this.tokens = Math.min(this.capacity(), this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
  }
}
