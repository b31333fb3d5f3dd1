import { afterAll, afterEach, describe, expect, it } from "vitest";
import { stopAll, waitFor } from "../../testing/redis-harness";
import { startSyncedPair, syncProcessPool } from "../../testing/sync-process";

/**
 * A refused write pauses the task; fixed and resumed, the task goes on; a second refused write pauses
 * it again (the resumed run's writes, batched under fences or not, still report a refusal as one).
 */
const pool = syncProcessPool();
afterEach(pool.cleanup);
afterAll(stopAll);

describe("a refusal after a resume", () => {
  it("pauses again", async () => {
    const { s, d, args, first } = await startSyncedPair(pool, "again");
    await d.rpush("x", "a");
    await s.incr("x");
    await first.exited(30_000);
    expect(first.last?.state).toBe("paused");
    await d.del("x");
    const second = pool.start(args, first.dataDir);
    await second.waitState("synchronizing");
    await waitFor(async () => (await d.get("x")) === "1", 15_000, "the refused INCR applied on resume");
    await s.set("after-resume", "yes");
    await waitFor(async () => (await d.get("after-resume")) === "yes", 15_000, "a write after the resume");
    await d.rpush("y", "a");
    await s.incr("y");
    await waitFor(() => second.last?.state === "paused" || !second.running, 30_000, `paused again: ${JSON.stringify(second.last)} ${second.stderr.slice(-1500)}`);
    expect(second.last?.divergence.refused).toBe(1);
    expect(second.last?.divergence.recent.at(-1)).toMatchObject({ command: "INCR", keys: ["y"] });
  }, 120_000);
});
