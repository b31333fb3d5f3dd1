import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RdbPacer } from "./rdb-pacer";
import type { SourceStreamProbe } from "./types";

/** A probe whose readings the test sets: the pacer's decisions are what is under test here (the probe against a real master: stream-growth-probe.redis.test.ts). */
function probe(budget = 1000): SourceStreamProbe & { offset: number | null; started: number; stopped: number } {
  return {
    budget,
    offset: 100,
    started: 0,
    stopped: 0,
    start() {
      this.started++;
    },
    stop() {
      this.stopped++;
    },
    growthSince(from: number) {
      return this.offset === null ? null : this.offset - from;
    },
  };
}

function pacer(p: SourceStreamProbe | undefined) {
  const calls: string[] = [];
  const notices: string[] = [];
  const pc = new RdbPacer({
    probe: p,
    pauseAtBytes: 1000,
    maxPauseMs: 5000,
    pauseSocket: () => calls.push("pause"),
    resumeSocket: () => calls.push("resume"),
    notice: (m) => notices.push(m),
  });
  return { pc, calls, notices };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("RdbPacer", () => {
  it("pauses the socket when the spool holds pauseAtBytes and the master's stream has room, resumes below half", () => {
    const p = probe();
    const { pc, calls } = pacer(p);
    pc.begin(100);
    expect(p.started).toBe(1);
    pc.received(999);
    expect(calls).toEqual([]);
    pc.received(1000);
    expect(calls).toEqual(["pause"]);
    expect(pc.isPaused).toBe(true);
    pc.received(2000);
    pc.delivered(600);
    expect(calls).toEqual(["pause"]);
    vi.advanceTimersByTime(250);
    pc.delivered(499);
    expect(calls).toEqual(["pause", "resume"]);
    expect(pc.stats()).toEqual({ pauses: 1, pausedMs: 250, stoppedBecause: null });
    pc.end();
    expect(p.stopped).toBe(1);
  });

  it("never pauses without a probe, before begin, after end, or while the growth is unknown", () => {
    const none = pacer(undefined);
    none.pc.begin(0);
    none.pc.received(10_000);
    expect(none.calls).toEqual([]);

    const p = probe();
    const { pc, calls } = pacer(p);
    pc.received(10_000);
    pc.begin(100);
    p.offset = null;
    pc.received(10_000);
    expect(calls).toEqual([]);
    p.offset = 100;
    pc.end();
    pc.received(10_000);
    expect(calls).toEqual([]);
  });

  it("stops pacing for the transfer once the stream grew past the budget, and says why", () => {
    const p = probe(1000);
    const { pc, calls, notices } = pacer(p);
    pc.begin(100);
    pc.received(1000);
    expect(calls).toEqual(["pause"]);
    p.offset = 100 + 1001;
    vi.advanceTimersByTime(100);
    expect(calls).toEqual(["pause", "resume"]);
    expect(pc.stats().stoppedBecause).toMatch(/wrote 0\.0 MiB to its replication stream/);
    expect(notices).toHaveLength(1);
    expect(p.stopped).toBe(1);
    // over for this transfer, even if the stream were quiet again
    p.offset = 100;
    pc.received(5000);
    expect(calls).toEqual(["pause", "resume"]);
    // a new transfer paces again
    pc.begin(100);
    pc.received(1000);
    expect(calls).toEqual(["pause", "resume", "pause"]);
    expect(pc.stats().stoppedBecause).toBeNull();
  });

  it("checks the budget before pausing too: an over-budget stream is never paused", () => {
    const p = probe(1000);
    p.offset = 5000;
    const { pc, calls, notices } = pacer(p);
    pc.begin(100);
    pc.received(1000);
    expect(calls).toEqual([]);
    expect(notices[0]).toMatch(/network speed/);
  });

  it("resumes (but keeps pacing) when the probe's readings go stale during a pause", () => {
    const p = probe();
    const { pc, calls } = pacer(p);
    pc.begin(100);
    pc.received(1000);
    p.offset = null;
    vi.advanceTimersByTime(100);
    expect(calls).toEqual(["pause", "resume"]);
    expect(pc.stats().stoppedBecause).toBeNull();
    p.offset = 100;
    pc.received(1000);
    expect(calls).toEqual(["pause", "resume", "pause"]);
  });

  it("gives up pacing after a pause of maxPauseMs (a master drops a replica that reads nothing for repl-timeout)", () => {
    const p = probe();
    const { pc, calls, notices } = pacer(p);
    pc.begin(100);
    pc.received(1000);
    vi.advanceTimersByTime(5000);
    expect(calls).toEqual(["pause"]);
    vi.advanceTimersByTime(200);
    expect(calls).toEqual(["pause", "resume"]);
    expect(notices[0]).toMatch(/held the RDB for more than 5 s/);
    pc.received(1000);
    expect(calls).toEqual(["pause", "resume"]);
  });
});
