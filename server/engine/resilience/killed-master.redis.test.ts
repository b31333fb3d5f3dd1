import { afterAll, afterEach, describe, expect, it } from "vitest";
import calculateSlot from "cluster-key-slot";
import { info, startCluster, startRedis, stopAll, waitFor, type RedisNode } from "../../testing/redis-harness";
import { syncProcessPool } from "../../testing/sync-process";
import { runWorkload } from "../../testing/workload";
import { pushRange, listDefect, storedEvents } from "../../testing/resilience";
import { compareSides, describeDiff, endpointOf, masterOffsets, seedData, syncStats, waitCaughtUp } from "../../testing/sync-fixtures";

/**
 * A source master dies (kill -9, not CLUSTER FAILOVER) during the incremental phase: its replica
 * takes over after cluster-node-timeout (2 s in the harness) and the engine follows it with PSYNC,
 * without a full synchronization. The dead master is the very node the task was given as its
 * source address, so the engine must find the new owner through the other nodes it knows.
 */
const pool = syncProcessPool();
afterEach(pool.cleanup);
afterAll(stopAll);

async function ownerOf(nodes: RedisNode[], slot: number): Promise<RedisNode> {
  for (const n of nodes) {
    if (!n.running()) continue;
    const text = await info(n, "", "CLUSTER NODES");
    const me = text.split("\n").find((l) => l.includes("myself"));
    if (!me || !me.includes("master")) continue;
    const ranges = me.split(" ").slice(8).filter((r) => /^\d/.test(r));
    if (ranges.some((r) => { const [a, b = a] = r.split("-").map(Number); return slot >= a && slot <= b; })) return n;
  }
  throw new Error(`no live master serves slot ${slot}`);
}

describe("a killed source master in a cluster with replicas", () => {
  it("the promoted replica is followed with PSYNC, no full sync, data equal", async () => {
    const src = await startCluster({ masters: 3, replicasPerMaster: 1 });
    const dst = await startRedis();
    const c = src.client();
    await seedData(c, "a:");
    const seed = src.nodes[0];
    // a hash tag whose slot the seed node serves: the writes that must survive its death
    let tag = "";
    for (let i = 0; !tag; i++) if ((await ownerOf(src.nodes, calculateSlot(`t${i}`))) === seed) tag = `{t${i}}`;
    const p = pool.start(["--task", "killed", "--skip-precheck", "--source", src.uri, "--source-mode", "cluster", "--target", dst.uri]);
    await p.waitState("synchronizing");
    await runWorkload(c, { tag });
    await pushRange(c as never, `${tag}list`, 0, 2000, 1);

    // everything the dying master wrote has reached its replica and the engine
    let promoted: RedisNode | undefined;
    for (const r of await src.replicas()) if ((await info(r, "replication")).includes(`master_port:${seed.port}`)) promoted = r;
    expect(promoted).toBeDefined();
    await waitFor(async () => {
      const [m] = await masterOffsets([seed]);
      const [r] = await masterOffsets([promoted!]);
      return r === m;
    }, 10_000, "the replica to have everything");
    await waitCaughtUp(p, await src.masters());
    const before = await syncStats(promoted!);

    const killedAt = Date.now();
    await seed.kill();
    await waitFor(async () => (await info(promoted!, "replication")).includes("role:master"), 30_000, "the replica to be promoted");
    const promotedAfterMs = Date.now() - killedAt;

    // new writes on the promoted master (a fresh client learns the new slot owners)
    const after = src.client();
    await waitFor(async () => {
      try {
        await after.set(`${tag}probe`, "1");
        return true;
      } catch {
        return false;
      }
    }, 20_000, "the cluster to accept writes again");
    await runWorkload(after, { tag, prefix: "after:" });
    await pushRange(after as never, `${tag}list`, 2000, 2000, 1);

    const live = await src.masters();
    await waitFor(async () => {
      try {
        await waitCaughtUp(p, live, 1000);
        return true;
      } catch {
        return false;
      }
    }, 40_000, `the engine to follow the promoted master: ${JSON.stringify(p.last)}`).catch((e) => {
      throw new Error(`${e.message}\n${JSON.stringify(storedEvents(p.dataDir, "killed").slice(-25), null, 1)}`);
    });
    const followedAfterMs = Date.now() - killedAt;
    const stats = await syncStats(promoted!);
    expect(stats.full, "the promoted master had to serve a full sync").toBe(before.full);
    expect(stats.partialOk).toBeGreaterThan(before.partialOk);
    expect(p.last?.shards.map((s) => s.source)).toContain(`127.0.0.1:${promoted!.port}`);
    expect(await listDefect(dst.client(), `${tag}list`, 4000)).toBeNull();
    const r = await compareSides(endpointOf({ ...src, uri: promoted!.uri }, "cluster"), endpointOf(dst, "standalone"));
    expect(r.equal, describeDiff(r)).toBe(true);
    console.log(`killed master: replica promoted after ${promotedAfterMs} ms, engine caught up on it ${followedAfterMs} ms after the kill`);
  }, 90_000);
});
