import { afterAll, afterEach, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { startCluster, startRedis, stopAll, waitFor, info } from "../../testing/redis-harness";
import { syncProcessPool } from "../../testing/sync-process";
import { runWorkload } from "../../testing/workload";
import { compareSides, describeDiff, endpointOf, masterOffsets, seedData, syncStats, waitCaughtUp } from "../../testing/sync-fixtures";
import { waitCheckpointed } from "../../testing/resilience";

/** Restarts, kills and failovers: the data ends up equal, and resuming never needs a full sync. */
const pool = syncProcessPool();
afterEach(pool.cleanup);
afterAll(stopAll);

/** Large enough that the full synchronization takes a while on two cores. */
async function bigSeed(client: import("ioredis").Redis, keys: number): Promise<void> {
  const chunk = 10_000;
  for (let i = 0; i < keys; i += chunk) {
    const p = client.pipeline();
    for (let j = i; j < Math.min(keys, i + chunk); j++) {
      if (j % 10 === 0) p.rpush(`big:l:${j}`, "a", "b", "c", "d");
      else p.set(`big:s:${j}`, `v${j}-${"x".repeat(40)}`);
    }
    await p.exec();
  }
}

describe("sync restarts", () => {
  it("kill -9 during the incremental phase resumes with PSYNC: sync_partial_ok grows, sync_full does not", async () => {
    const src = await startRedis();
    const dst = await startRedis();
    const c = src.client();
    await seedData(c, "a:");
    const args = ["--task", "resume", "--skip-precheck", "--source", src.uri, "--target", dst.uri];
    const first = pool.start(args);
    await first.waitState("synchronizing");
    await runWorkload(c, { prefix: "r1:" });
    await waitCaughtUp(first, [src]);
    // a checkpoint at least this far must land; then write more while the engine is gone
    await waitCheckpointed(first.dataDir, "resume", await masterOffsets([src]));
    await first.kill();
    const before = await syncStats(src);
    await runWorkload(c, { prefix: "r2:" });
    for (let i = 0; i < 500; i++) await c.rpush("while-down", String(i));
    const second = pool.start(args, first.dataDir);
    await second.waitState("synchronizing");
    await waitCaughtUp(second, [src]);
    const after = await syncStats(src);
    expect(after.full).toBe(before.full);
    expect(after.partialOk).toBeGreaterThan(before.partialOk);
    const r = await compareSides(endpointOf(src, "standalone"), endpointOf(dst, "standalone"));
    expect(r.equal, describeDiff(r)).toBe(true);
    // no list element applied twice
    expect(await dst.client().llen("while-down")).toBe(500);
  });

  it("kill -9 during the full synchronization: the restart loads again and the data ends up equal", async () => {
    const src = await startRedis();
    const dst = await startRedis();
    const c = src.client();
    await bigSeed(c, 200_000);
    const args = ["--task", "full", "--skip-precheck", "--source", src.uri, "--target", dst.uri];
    const first = pool.start(args);
    await waitFor(() => (first.last?.fullSync.keys ?? 0) > 0 || first.last?.state === "synchronizing", 60_000, "the full sync to start loading");
    await first.kill();
    // while the engine is down the source changes: deleted keys must not survive on the destination
    await c.del("big:s:1", "big:s:2");
    await c.rpush("big:l:0", "e");
    // The restart runs the precheck: the keys the first attempt wrote are the task's own, no conflict.
    const second = pool.start(args.filter((a) => a !== "--skip-precheck"), first.dataDir);
    await second.waitState("synchronizing", 120_000);
    await waitCaughtUp(second, [src]);
    const r = await compareSides(endpointOf(src, "standalone"), endpointOf(dst, "standalone"));
    expect(r.equal, describeDiff(r)).toBe(true);
  }, 240_000);

  it("follows a CLUSTER FAILOVER of a source master without a full sync", async () => {
    const src = await startCluster({ masters: 3, replicasPerMaster: 1 });
    const dst = await startCluster({ masters: 3 });
    const c = src.client();
    await seedData(c, "a:");
    const p = pool.start(["--task", "fo", "--skip-precheck", "--source", src.uri, "--source-mode", "cluster", "--target", dst.uri, "--target-mode", "cluster"]);
    await p.waitState("synchronizing");
    const replica = (await src.replicas())[0];
    const fullBefore = await Promise.all(src.nodes.map((n) => syncStats(n)));
    const r1 = spawnSync("redis-cli", ["-p", String(replica.port), "CLUSTER", "FAILOVER"], { encoding: "utf8" });
    expect(r1.stdout.trim()).toBe("OK");
    await waitFor(async () => (await info(replica, "replication")).includes("role:master"), 20_000, "replica promoted");
    // a fresh client learns the new slot owners (the old one still writes to the demoted master)
    await waitFor(async () => (await Promise.all(src.nodes.map((n) => info(n, "", "CLUSTER NODES")))).every((t) => t.split("\n").filter((l) => l.includes("master") && !l.includes("fail")).length === 3), 20_000, "every node sees the new master");
    const after = src.client();
    await runWorkload(after, { tag: "{w}" });
    await runWorkload(after, { tag: "{a}", prefix: "x:" });
    await waitFor(async () => {
      try {
        await waitCaughtUp(p, await src.masters(), 1000);
        return true;
      } catch {
        return false;
      }
    }, 60_000, "caught up after the failover");
    const fullAfter = await Promise.all(src.nodes.map((n) => syncStats(n)));
    const total = (xs: { full: number }[]) => xs.reduce((n, s) => n + s.full, 0);
    expect(total(fullAfter)).toBe(total(fullBefore));
    const r = await compareSides(endpointOf(src, "cluster"), endpointOf(dst, "cluster"));
    expect(r.equal, describeDiff(r)).toBe(true);
  });

  it("survives a destination restart mid-sync without losing writes", async () => {
    const src = await startRedis();
    const dst = await startRedis({ config: { appendonly: "yes", appendfsync: "always" } });
    const c = src.client();
    const p = pool.start(["--task", "dst", "--skip-precheck", "--source", src.uri, "--target", dst.uri]);
    await p.waitState("synchronizing");
    for (let i = 0; i < 200; i++) await c.set(`before:${i}`, i);
    await dst.restart();
    for (let i = 0; i < 200; i++) await c.set(`after:${i}`, i);
    await waitCaughtUp(p, [src], 60_000);
    const r = await compareSides(endpointOf(src, "standalone"), endpointOf(dst, "standalone"));
    expect(r.equal, describeDiff(r)).toBe(true);
  });

  it("one-to-many (A→B, A→C) and cascade (B→D) at once", async () => {
    const a = await startRedis();
    const [b, cc, d] = [await startRedis(), await startRedis(), await startRedis()];
    const client = a.client();
    await seedData(client, "a:");
    const ab = pool.start(["--task", "ab", "--skip-precheck", "--source", a.uri, "--target", b.uri]);
    const ac = pool.start(["--task", "ac", "--skip-precheck", "--source", a.uri, "--target", cc.uri]);
    await ab.waitState("synchronizing");
    const bd = pool.start(["--task", "bd", "--skip-precheck", "--source", b.uri, "--target", d.uri, "--conflict", "ignore"]);
    await Promise.all([ac.waitState("synchronizing"), bd.waitState("synchronizing")]);
    await runWorkload(client, {});
    await Promise.all([waitCaughtUp(ab, [a]), waitCaughtUp(ac, [a])]);
    await waitCaughtUp(bd, [b]);
    for (const target of [b, cc, d]) {
      const r = await compareSides(endpointOf(a, "standalone"), endpointOf(target, "standalone"));
      expect(r.equal, describeDiff(r)).toBe(true);
    }
  });
});
