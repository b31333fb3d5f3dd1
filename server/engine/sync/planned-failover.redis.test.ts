import { afterAll, afterEach, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { startCluster, stopAll, waitFor, info } from "../../testing/redis-harness";
import { syncProcessPool } from "../../testing/sync-process";
import { storedEvents } from "../../testing/resilience";
import { compareSides, describeDiff, endpointOf, seedData, syncStats, waitCaughtUp } from "../../testing/sync-fixtures";

/**
 * A planned failover (CLUSTER FAILOVER on a replica) does not break the demoted master's stream: it
 * goes on forwarding its new master's writes as a chained replica. The shard must not stay on it: it
 * moves to the new master within seconds, with PSYNC (no full sync), and says so in the events.
 */
const pool = syncProcessPool();
afterEach(pool.cleanup);
afterAll(stopAll);

describe("planned failover of a source master", () => {
  it("the shard moves to the promoted replica with PSYNC, and the status names it as the source", async () => {
    const src = await startCluster({ masters: 3, replicasPerMaster: 1 });
    const dst = await startCluster({ masters: 3 });
    await seedData(src.client(), "a:");
    const p = pool.start(["--task", "planned", "--skip-precheck", "--source", src.uri, "--source-mode", "cluster", "--target", dst.uri, "--target-mode", "cluster"]);
    await p.waitState("synchronizing");
    const replica = (await src.replicas())[0];
    const promoted = `${replica.host}:${replica.port}`;
    const masterInfo = await info(replica, "replication");
    const demoted = `${/master_host:(\S+)/.exec(masterInfo)![1]}:${/master_port:(\d+)/.exec(masterInfo)![1]}`;
    expect(p.last!.shards.map((s) => s.source)).toContain(demoted);
    const fullBefore = await Promise.all(src.nodes.map((n) => syncStats(n)));

    const r1 = spawnSync("redis-cli", ["-p", String(replica.port), "CLUSTER", "FAILOVER"], { encoding: "utf8" });
    expect(r1.stdout.trim()).toBe("OK");
    await waitFor(async () => (await info(replica, "replication")).includes("role:master"), 20_000, "replica promoted");
    await waitFor(() => {
      const sources = p.last?.shards.map((s) => s.source) ?? [];
      return sources.includes(promoted) && !sources.includes(demoted);
    }, 20_000, `the shard to move from ${demoted} to ${promoted}`).catch((err: Error) => {
      // what the shards and the task's events say at the deadline, not at the start of the wait
      const events = storedEvents(p.dataDir, "planned").map((e) => e.message).join("\n");
      throw new Error(`${err.message}; shards now ${JSON.stringify(p.last?.shards)}; events:\n${events}`);
    });

    const events = storedEvents(p.dataDir, "planned").map((e) => e.message);
    expect(events.some((m) => m.startsWith(`${demoted}: this source node is now a replica of ${promoted}`))).toBe(true);
    expect(events.some((m) => m.includes(`its slots are now served by ${promoted}; following the failover with PSYNC`))).toBe(true);

    const c = src.client();
    for (let i = 0; i < 200; i++) await c.set(`after:{x}${i}`, String(i));
    await waitCaughtUp(p, await src.masters(), 30_000);
    const fullAfter = await Promise.all(src.nodes.map((n) => syncStats(n)));
    const total = (xs: { full: number }[]) => xs.reduce((n, s) => n + s.full, 0);
    expect(total(fullAfter)).toBe(total(fullBefore));
    const r = await compareSides(endpointOf(src, "cluster"), endpointOf(dst, "cluster"));
    expect(r.equal, describeDiff(r)).toBe(true);
  });
});
