import { afterAll, afterEach, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Cluster } from "ioredis";
import { startCluster, startRedis, stopAll, waitFor, info, type RedisClusterHandle, type RedisNode } from "../../testing/redis-harness";
import { syncProcessPool } from "../../testing/sync-process";
import { storedEvents } from "../../testing/resilience";
import { compareSides, describeDiff, endpointOf, seedData, syncStats, waitCaughtUp } from "../../testing/sync-fixtures";

/**
 * Resharding a source cluster while a task runs: slots migrate between masters (MIGRATE: the key
 * arrives on the importing master as RESTORE-ASKING, then leaves the exporting one as a DEL, two
 * streams the engine applies independently), and a master added to the cluster takes slots. The task
 * follows both: every key ends on the destination once, none deleted by the exporting master's DEL,
 * the new master is streamed with no full sync of the others, and the moves are events.
 */
const pool = syncProcessPool();
afterEach(pool.cleanup);
afterAll(stopAll);

async function nodeId(n: RedisNode): Promise<string> {
  return (await info(n, "", "CLUSTER MYID")).trim();
}

async function cli(args: string[]): Promise<string> {
  try {
    return (await promisify(execFile)("redis-cli", args, { encoding: "utf8", timeout: 120_000 })).stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`redis-cli ${args.slice(0, 3).join(" ")}: ${(e.stdout ?? "").split("\n").slice(-8).join("\n")}${e.stderr ?? ""}`);
  }
}

/** redis-cli refuses to reshard until every node agrees on the configuration. */
async function agreed(n: RedisNode): Promise<void> {
  await waitFor(async () => {
    try {
      await cli(["--cluster", "check", `127.0.0.1:${n.port}`]);
      return true;
    } catch {
      return false;
    }
  }, 30_000, "cluster configuration agreed", 300);
}

async function reshard(src: RedisClusterHandle, from: RedisNode, to: RedisNode, slots: number): Promise<void> {
  await agreed(from);
  await cli(["--cluster", "reshard", `127.0.0.1:${from.port}`, "--cluster-from", await nodeId(from), "--cluster-to", await nodeId(to), "--cluster-slots", String(slots), "--cluster-yes", "--cluster-pipeline", "7"]);
  await waitFor(async () => {
    for (const n of src.nodes) if (!(await info(n, "cluster", "CLUSTER INFO")).includes("cluster_state:ok")) return false;
    return true;
  }, 30_000, "cluster ok after reshard");
}

/** Writes of every kind that must survive a move: plain values, counters, lists (a replayed or lost push shows). */
function writeLoad(c: Cluster): { stop: () => Promise<number> } {
  let running = true;
  let n = 0;
  const loop = (async () => {
    while (running) {
      const i = n++;
      try {
        await Promise.all([c.set(`k:${i % 3000}`, `v${i}`), c.incr(`c:${i % 500}`), c.rpush(`l:${i % 200}`, String(i)), i % 7 === 0 ? c.del(`k:${(i * 13) % 3000}`) : null]);
      } catch {
        // TRYAGAIN during a multi-key move, or the servers going away at the end
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return n;
    },
  };
}

describe("resharding of a source cluster", () => {
  it("follows slot moves and a new master under writes: destination equal, no full sync of the old masters", async () => {
    const src = await startCluster({ masters: 3 });
    const dst = await startRedis();
    await seedData(src.client(), "seed:", 600);
    const p = pool.start(["--task", "reshard", "--skip-precheck", "--source", src.uri, "--source-mode", "cluster", "--target", dst.uri]);
    await p.waitState("synchronizing");
    const [a, b, c] = await src.masters();
    const fullBefore = await Promise.all([a, b, c].map((n) => syncStats(n)));
    const load = writeLoad(src.client());
    let added!: RedisNode;
    try {
      await reshard(src, a, b, 1500);
      added = await startRedis({ config: { "cluster-enabled": "yes", "cluster-config-file": "nodes.conf", "cluster-node-timeout": "2000" } });
      await cli(["--cluster", "add-node", `127.0.0.1:${added.port}`, `127.0.0.1:${a.port}`]);
      const id = await nodeId(added);
      await waitFor(async () => {
        for (const n of [a, b, c]) if (!(await info(n, "", "CLUSTER NODES")).includes(id)) return false;
        return (await info(added, "cluster", "CLUSTER INFO")).includes("cluster_state:ok");
      }, 20_000, "new node known to every node");
      src.nodes.push(added);
      await reshard(src, c, added, 1200);
      await reshard(src, b, added, 800);
    } finally {
      await load.stop();
    }
    const written = await load.stop();
    expect(written).toBeGreaterThan(500);
    await waitFor(() => (p.last?.shards ?? []).some((s) => s.source === `127.0.0.1:${added.port}`), 30_000, `a shard for the new master: ${JSON.stringify(p.last?.shards)}`);
    await waitCaughtUp(p, [a, b, c, added], 60_000);
    const r = await compareSides(endpointOf(src, "cluster"), endpointOf(dst, "standalone"));
    const told = () => storedEvents(p.dataDir, "reshard").map((e) => e.message).join("\n");
    expect(r.equal, `${describeDiff(r)}\nevents:\n${told()}`).toBe(true);

    const fullAfter = await Promise.all([a, b, c].map((n) => syncStats(n)));
    expect(fullAfter.map((s) => s.full)).toEqual(fullBefore.map((s) => s.full));
    const events = storedEvents(p.dataDir, "reshard").map((e) => e.message);
    expect(events.some((m) => /slots? .* moved from/.test(m)), events.join("\n")).toBe(true);
    expect(events.some((m) => m.includes(`new source master 127.0.0.1:${added.port}`)), events.join("\n")).toBe(true);
    expect(p.last!.divergence.refused + p.last!.divergence.inexact).toBe(0);
  }, 240_000);
});
