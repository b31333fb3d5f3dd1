import { describe, expect, it } from "vitest";
import { TokenBucket } from "./token-bucket";
import { SpeedLimiter, describeLimits, limitProblem } from "./speed-limiter";

describe("TokenBucket", () => {
  it("lets a tenth of a second's burst through, then paces at the rate", () => {
    let now = 0;
    const b = new TokenBucket(1000, () => now);
    let taken = 0;
    while (b.take(1)) taken++;
    expect(taken).toBe(99); // 100 tokens: the 100th empties it and asks to wait
    expect(b.waitMs()).toBeCloseTo(1, 5);
    now += 50;
    expect(b.waitMs()).toBe(0);
    let more = 0;
    while (b.take(1)) more++;
    expect(more).toBe(49);
  });

  it("lets a big item overdraw the bucket and makes the taker wait the debt off", () => {
    let now = 0;
    const b = new TokenBucket(1000, () => now);
    expect(b.take(600)).toBe(false);
    expect(b.waitMs()).toBeCloseTo(501, 5);
  });

  it("has no limit at null or at a rate of zero and below", () => {
    const b = new TokenBucket(null);
    for (let i = 0; i < 1000; i++) expect(b.take(1)).toBe(true);
    b.setRate(0);
    expect(b.take(1e9)).toBe(true);
    expect(b.waitMs()).toBe(0);
  });

  it("cuts what is left to the new burst when the rate is lowered", () => {
    let now = 0;
    const b = new TokenBucket(10_000, () => now);
    b.setRate(10);
    expect(b.take(1)).toBe(false); // a burst of one token
  });
});

describe("SpeedLimiter", () => {
  it("names the limit that holds the engine back, for a second", () => {
    const l = new SpeedLimiter({ keysPerSec: 10 });
    expect(l.throttledBy()).toBeNull();
    expect(l.fullSync.take(1, 100)).toBe(false);
    expect(l.throttledBy()).toBe("10 keys/s");
    expect(l.throttledBy(Date.now() + 2000)).toBeNull();
    expect(l.incremental.take(1)).toBe(true);
  });

  it("wakes a waiting taker when the limit is removed", async () => {
    const l = new SpeedLimiter({ cmdsPerSec: 1 });
    l.incremental.take(5);
    let woke = false;
    const w = l.incremental.ready().then(() => (woke = true));
    l.set({});
    await w;
    expect(woke).toBe(true);
    expect(l.incremental.take(1000)).toBe(true);
  });

  it("refuses a limit of zero, below zero or not a number, and says what it got", () => {
    expect(limitProblem("--max-keys-per-sec", "0")).toBe('--max-keys-per-sec must be a number above 0 (got 0)');
    expect(limitProblem("--max-keys-per-sec", "-5")).toMatch(/above 0/);
    expect(limitProblem("--max-mb-per-sec", "fast")).toBe('--max-mb-per-sec must be a number above 0 (got "fast")');
    expect(limitProblem("--max-mb-per-sec", "0.5")).toBeNull();
    expect(limitProblem("x", undefined)).toBeNull();
    expect(describeLimits({ keysPerSec: 10000, mbPerSec: 2.5 })).toBe("10000 keys/s, 2.5 MB/s");
  });
});
