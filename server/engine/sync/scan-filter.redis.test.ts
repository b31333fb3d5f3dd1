import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startRedis, stopAll, waitFor } from "../../testing/redis-harness";
import { syncProcessPool } from "../../testing/sync-process";
import { compareSides, describeDiff, endpointOf } from "../../testing/sync-fixtures";

/**
 * The scan reader honours the task's key filter like the replication reader: excluded keys are not
 * copied, not read again when they change, and a DEL of one is not sent; `compare` with the same
 * filter says equal.
 */
const pool = syncProcessPool();
afterEach(pool.cleanup);
afterAll(stopAll);
const NO_REPLICATION = { "rename-command": ['SYNC ""', 'PSYNC ""'] };

describe("the scan reader with a key filter", () => {
  it("copies and follows only the included keys", async () => {
    const src = await startRedis({ config: NO_REPLICATION });
    const dst = await startRedis();
    const s = src.client();
    const d = dst.client();
    for (let i = 0; i < 200; i++) await s.mset(`in:${i}`, `v${i}`, `out:${i}`, `x${i}`);
    await d.set("out:mine", "the operator's own");
    const p = pool.start(["--task", "scan-filter", "--source", src.uri, "--target", dst.uri, "--conflict", "ignore", "--exclude", "out:*"]);
    await p.waitState("synchronizing", 60_000);
    await s.set("in:new", "after the copy");
    await s.set("out:new", "excluded");
    await s.del("in:0", "out:mine");
    await s.set("in:marker", "1");
    await waitFor(async () => (await d.exists("in:marker")) === 1, 30_000, `the marker: ${JSON.stringify(p.last)}`);
    await waitFor(() => (p.last?.shards ?? []).every((x) => (x.appliedOffset ?? 0) >= (x.offset ?? 0)), 30_000, "every notified key read again");
    expect(await d.get("in:new")).toBe("after the copy");
    expect(await d.exists("in:0")).toBe(0);
    // nothing excluded arrived, and the excluded DEL did not reach the operator's key
    expect((await d.keys("out:*")).sort()).toEqual(["out:mine"]);
    const r = await compareSides(endpointOf(src, "standalone"), endpointOf(dst, "standalone"), { keyFilter: { include: [], exclude: ["out:*"] } });
    expect(r.equal, describeDiff(r)).toBe(true);
  }, 120_000);
});
