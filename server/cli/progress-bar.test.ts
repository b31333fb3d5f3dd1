import { describe, expect, it } from "vitest";
import { FullSyncBar } from "./progress-bar";

describe("the full sync bar on a terminal", () => {
  it("shows the share of the RDB done, bytes of the total, keys, the rate and the time left", () => {
    const bar = new FullSyncBar(10);
    expect(bar.render({ bytes: 0, totalBytes: 40_000_000, keys: 0 }, 0)).toBe("full sync [----------] 0% 0.0 MB of 40.0 MB, 0 keys");
    // 10 MB in one second: 10 MB/s, 30 MB left
    expect(bar.render({ bytes: 10_000_000, totalBytes: 40_000_000, keys: 12_345 }, 1000)).toBe("full sync [###-------] 25% 10.0 MB of 40.0 MB, 12,345 keys, 10.0 MB/s, 3 s left");
    expect(bar.render({ bytes: 40_000_000, totalBytes: 40_000_000, keys: 50_000 }, 2000)).toMatch(/^full sync \[##########\] 100% 40\.0 MB of 40\.0 MB, 50,000 keys, [\d.]+ MB\/s, 0 s left$/);
  });

  it("without a known size (a diskless transfer): no percent, no time left", () => {
    const bar = new FullSyncBar(4);
    bar.render({ bytes: 0, totalBytes: null, keys: 0 }, 0);
    expect(bar.render({ bytes: 2_000_000, totalBytes: null, keys: 10 }, 1000)).toBe("full sync [????] 2.0 MB, 10 keys, 2.0 MB/s");
  });
});
