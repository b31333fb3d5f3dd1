import { afterAll, afterEach, describe, expect, it } from "vitest";
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { startCluster, startRedis, stopAll } from "../../testing/redis-harness";
import { startFakeMaster, type FakeMaster } from "../../testing/fake-master";
import { syncProcessPool } from "../../testing/sync-process";
import { compareSides, describeDiff, endpointOf, seedData, waitCaughtUp } from "../../testing/sync-fixtures";

/** Writes during the full synchronization, and the policy for commands that cannot be applied exactly. */
const pool = syncProcessPool();
const fakes: FakeMaster[] = [];
afterEach(async () => {
  await pool.cleanup();
  for (const f of fakes.splice(0)) await f.close();
});
afterAll(stopAll);
const corpus = path.resolve(import.meta.dirname, "../../../../shared/rdb-corpus/hdt3213-rdb");

describe("sync", () => {
  it("applies, after the RDB, every write the source took during the full synchronization", async () => {
    const src = await startRedis();
    const dst = await startRedis();
    const c = src.client();
    await seedData(c, "a:", 3000);
    const p = pool.start(["--task", "during", "--skip-precheck", "--source", src.uri, "--target", dst.uri]);
    // write continuously until the task reports synchronizing, then a little more
    let n = 0;
    let running = true;
    const writer = (async () => {
      while (running) {
        await c.multi().incr("counter").rpush("log", String(n)).set(`w:${n}`, n).exec();
        n++;
      }
    })();
    await p.waitState("synchronizing");
    await new Promise((r) => setTimeout(r, 300));
    running = false;
    await writer;
    await waitCaughtUp(p, [src]);
    expect(n).toBeGreaterThan(10);
    const r = await compareSides(endpointOf(src, "standalone"), endpointOf(dst, "standalone"));
    expect(r.equal, describeDiff(r)).toBe(true);
    expect(await dst.client().llen("log")).toBe(n);
  });

  describe.skipIf(!existsSync(corpus))("a script touching several slots of a cluster destination", () => {
    const stream = [["SET", "before", "1"], ["EVAL", "redis.call('SET', KEYS[1], 1); redis.call('SET', KEYS[2], 2)", "2", "a", "c"], ["SET", "after", "1"]];

    async function run(policy: "fail" | "skip" | null) {
      const fake = await startFakeMaster({ style: "psync2", rdb: readFileSync(path.join(corpus, "empty_database.rdb")), stream });
      fakes.push(fake);
      const dst = await startCluster({ masters: 3 });
      const p = pool.start(["--task", `policy-${policy}`, "--skip-precheck", "--source", `redis://${fake.host}:${fake.port}`, "--target", dst.uri, "--target-mode", "cluster", ...(policy ? ["--on-inexact", policy] : [])]);
      return { p, dst, fake };
    }

    it("pauses the task at the command by default, naming it, and applies nothing after it", async () => {
      const { p, dst } = await run(null);
      expect(await p.exited(60_000)).toBe(4);
      expect(p.last?.state).toBe("paused");
      expect(p.last?.divergence).toMatchObject({ policy: "pause", inexact: 1, refused: 0, recent: [{ kind: "inexact", command: "EVAL", keys: ["a", "c"] }] });
      expect(p.last?.divergence.haltedBy).toMatch(/EVAL a, c .*cannot be applied exactly/);
      const c = dst.client();
      expect(await c.get("before")).toBe("1");
      expect(await c.get("after")).toBeNull();
    });

    it("fails the task under the fail policy, naming the keys", async () => {
      const { p } = await run("fail");
      await p.waitState("failed", 60_000);
      expect(p.last?.error).toMatch(/EVAL a, c .*cannot be applied exactly/);
    });

    it("skips and records it under the skip policy, and goes on", async () => {
      const { p, dst, fake } = await run("skip");
      await p.waitState("synchronizing");
      await p.waitApplied([fake.offset()], 30_000);
      const c = dst.client();
      expect(await c.get("after")).toBe("1");
      expect(await c.get("a")).toBeNull();
      expect(p.last?.divergence).toMatchObject({ policy: "skip", inexact: 1, recent: [{ command: "EVAL", keys: ["a", "c"] }] });
    });
  });
});
