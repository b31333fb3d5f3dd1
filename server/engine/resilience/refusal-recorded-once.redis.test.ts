import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { closeDb } from "../../db/client";
import { countDivergences } from "../../db/divergence/count-divergences";
import { findDivergentKeys } from "../../db/divergence/find-divergent-keys";
import { findTaskByName } from "../../db/task/find-task-by-name";
import { stopAll, waitFor } from "../../testing/redis-harness";
import { startSyncedPair, syncProcessPool } from "../../testing/sync-process";

/**
 * A write refused before a pause is applied again by every resume (refusal-redo.ts). Refused again
 * (the destination was not fixed, or the operator chose "skip and record"), it is the same source
 * write at the same stream offset: the task pauses again or skips it, and the events say so, but its
 * key stays recorded once, so "Recorded keys" on the status page counts each refused write once.
 */
const pool = syncProcessPool();
afterEach(async () => {
  await closeDb();
  await pool.cleanup();
});
afterAll(stopAll);

describe("a write refused again at a resume", () => {
  it("keeps one record whether the resume pauses again or skips it", async () => {
    const { s, d, args, first } = await startSyncedPair(pool, "refused once");
    // the test reads the task's records from the CLI's own database
    process.env.DATABASE_URL = `file:${path.join(first.dataDir, "redis-dts.db")}`;
    await d.rpush("x", "a");
    await s.incr("x");
    expect(await first.exited(30_000)).toBe(4);
    const task = await findTaskByName({ name: "refused once" });
    expect(task).not.toBeNull();
    const records = async () => (await findDivergentKeys({ taskId: task!.id })).map((r) => [r.kind, r.command, r.key]);
    expect(await records()).toEqual([["refused", "INCR", "x"]]);

    // resumed without fixing the destination: refused again, paused again, not recorded again
    const unfixed = pool.start(args, first.dataDir);
    expect(await unfixed.exited(30_000)).toBe(4);
    expect(unfixed.last?.divergence).toMatchObject({ refused: 1, haltedBy: expect.stringContaining("INCR x") });
    expect(await records()).toEqual([["refused", "INCR", "x"]]);

    // "skip and record": the write is refused once more and skipped; its key is recorded already
    const skipping = pool.start([...args, "--on-inexact", "skip"], first.dataDir);
    await skipping.waitState("synchronizing");
    await waitFor(() => (skipping.last?.divergence.refused ?? 0) === 1, 15_000, `the refusal at the resume: ${skipping.stderr.slice(-1500)}`);
    await s.set("after-skip", "yes");
    await waitFor(async () => (await d.get("after-skip")) === "yes", 15_000, "a write after the skipped one");
    expect(await d.type("x")).toBe("list");
    await skipping.stop();
    expect(await records()).toEqual([["refused", "INCR", "x"]]);
    expect(await countDivergences({ taskId: task!.id })).toEqual({ refused: 1, inexact: 0 });
  }, 120_000);
});
