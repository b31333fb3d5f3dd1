import { cpSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { stopAll, waitFor } from "../../testing/redis-harness";
import { startSyncedPair, syncProcessPool } from "../../testing/sync-process";

/**
 * Two writes refused in one pause; the operator fixes only the first key and resumes: the first write
 * is applied, the second refused again, and the task pauses again with only that one left to apply.
 * The second resume must apply it: its exactly-once marker must not be the one the first write set at
 * the first resume (a write skipped there as "already applied" would be lost without a word), and a
 * resume from the same checkpoint after a crash in that redo must not apply it a second time.
 */
const pool = syncProcessPool();
afterEach(pool.cleanup);
afterAll(stopAll);

describe("a resume after a resume that applied part of the refused writes", () => {
  it("applies the write still refused at the first resume, once", async () => {
    const { s, d, args, first } = await startSyncedPair(pool, "redo twice");
    await d.rpush("a", "x");
    await d.rpush("b", "x");
    // one source transaction: both writes are refused in the same pause
    await s.multi().incr("a").incr("b").exec();
    expect(await first.exited(30_000)).toBe(4);
    expect(first.last?.divergence.refused).toBe(2);

    await d.del("a");
    const second = pool.start(args, first.dataDir);
    expect(await second.exited(30_000)).toBe(4);
    expect(await d.get("a")).toBe("1");
    expect(await d.type("b")).toBe("list");
    expect(second.last?.divergence.haltedBy).toContain("INCR b");

    await d.del("b");
    // the engine's data folder as the second pause left it: a crash right after the next redo returns to it
    const beforeRedo = mkdtempSync(path.join(os.tmpdir(), "redis-dts-sync-"));
    cpSync(first.dataDir, beforeRedo, { recursive: true });
    const third = pool.start(args, first.dataDir);
    await third.waitState("synchronizing");
    await waitFor(async () => (await d.get("b")) === "1", 15_000, `the INCR b refused at both resumes, applied: b=${await d.get("b")} ${third.stderr.slice(-3000)}`);
    await s.set("after", "yes");
    await waitFor(async () => (await d.get("after")) === "yes", 15_000, "a write after the resume");
    // applied once each: neither the first resume's write nor the second's ran again
    expect(await d.mget("a", "b")).toEqual(["1", "1"]);
    expect(third.last?.state).toBe("synchronizing");
    await third.stop();

    // the same stored redo again, as after a kill -9 before any later checkpoint: its marker says it ran
    const replay = pool.start(args, beforeRedo);
    await replay.waitState("synchronizing");
    await s.set("after-replay", "yes");
    await waitFor(async () => (await d.get("after-replay")) === "yes", 15_000, "a write after the replayed resume");
    expect(await d.mget("a", "b")).toEqual(["1", "1"]);
    expect(replay.last?.divergence.refused).toBe(0);
  }, 120_000);
});
