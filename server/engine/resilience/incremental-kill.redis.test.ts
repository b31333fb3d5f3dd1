import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { startCluster, startRedis, stopAll } from "../../testing/redis-harness";
import { syncProcessPool } from "../../testing/sync-process";
import { ListFeeder, listDefect, storedEvents, waitCheckpointed } from "../../testing/resilience";
import { compareSides, describeDiff, endpointOf, syncStats, waitCaughtUp } from "../../testing/sync-fixtures";

/**
 * kill -9 of the engine while writes stream through the incremental phase (the stored checkpoint then
 * lags what the destination already has), and a restart: PSYNC, no full sync, and every write that
 * must not run twice (RPUSH, INCR, a SET followed by a DEL and an RPUSH on one key) applied once.
 */
const pool = syncProcessPool();
afterEach(pool.cleanup);
afterAll(stopAll);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** INCRs a counter and rewrites a key with DEL + RPUSH + SET in turn; stop() says how many rounds ran. */
class MixedWriter {
  rounds = 0;
  private running = true;
  private readonly done: Promise<void>;
  constructor(c: Redis) {
    this.done = (async () => {
      while (this.running) {
        const i = this.rounds;
        await c.incr("counter");
        await c.del("mixed");
        await c.rpush("mixed", `r${i}`);
        await c.set("plain", `v${i}`);
        this.rounds++;
      }
    })();
  }
  async stop(): Promise<number> {
    this.running = false;
    await this.done;
    return this.rounds;
  }
}

describe("kill -9 while writes flow through the incremental phase", () => {
  for (const target of ["standalone", "cluster"] as const) {
    it(`${target} destination: the restart replays from the checkpoint and applies each write once`, async () => {
      const src = await startRedis({ config: { "repl-backlog-size": "64mb" } });
      const dst = target === "cluster" ? await startCluster({ masters: 3 }) : await startRedis();
      const c = src.client();
      const args = ["--task", `kill-${target}`, "--skip-precheck", "--source", src.uri, "--target", dst.uri, "--target-mode", target];
      const first = pool.start(args);
      await first.waitState("synchronizing");
      const feeder = new ListFeeder(src.client(), "feed");
      const mixed = new MixedWriter(src.client());
      await sleep(1500);
      // the kill must come after a checkpoint of the incremental phase, which the restart resumes from
      await waitCheckpointed(first.dataDir, `kill-${target}`, [0]);
      await first.kill();
      const before = await syncStats(src);
      await sleep(500);
      const second = pool.start(args, first.dataDir);
      await second.waitState("synchronizing");
      await sleep(500);
      const [pushed, rounds] = await Promise.all([feeder.stop(), mixed.stop()]);
      await waitCaughtUp(second, [src]);
      expect((await syncStats(src)).full, "a full synchronization was needed").toBe(before.full);
      const d = dst.client() as Redis;
      expect(await listDefect(d, "feed", pushed), JSON.stringify(storedEvents(second.dataDir, `kill-${target}`).slice(-10))).toBeNull();
      expect(await d.get("counter")).toBe(String(rounds));
      expect(await d.lrange("mixed", 0, -1)).toEqual([`r${rounds - 1}`]);
      const r = await compareSides(endpointOf(src, "standalone"), endpointOf(dst, target));
      expect(r.equal, describeDiff(r)).toBe(true);
    });
  }
});
