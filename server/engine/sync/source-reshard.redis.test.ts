import { afterAll, afterEach, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import calculateSlot from "cluster-key-slot";
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

/** Moves `slot` from one master to another by hand: MIGRATE of each key it holds, then SETSLOT NODE everywhere. */
async function moveSlot(nodes: RedisNode[], slot: number, from: RedisNode, to: RedisNode, keys: string[]): Promise<void> {
  const [fromId, toId] = [await nodeId(from), await nodeId(to)];
  await to.client().call("CLUSTER", "SETSLOT", String(slot), "IMPORTING", fromId);
  await from.client().call("CLUSTER", "SETSLOT", String(slot), "MIGRATING", toId);
  // one MIGRATE per key: each is a pair of RESTORE-ASKING and DEL the engine reads in two streams
  for (const k of keys) await from.client().call("MIGRATE", to.host, String(to.port), k, "0", "5000");
  for (const n of [to, from, ...nodes.filter((x) => x !== to && x !== from)]) await n.client().call("CLUSTER", "SETSLOT", String(slot), "NODE", toId);
}

async function ownerOf(masters: RedisNode[], slot: number): Promise<RedisNode> {
  for (const n of masters) {
    const mine = (await info(n, "", "CLUSTER NODES")).split("\n").find((l) => l.includes("myself"))!;
    for (const r of mine.split(" ").slice(8)) {
      const [lo, hi = lo] = r.split("-").map(Number);
      if (slot >= lo && slot <= hi) return n;
    }
  }
  throw new Error(`no master serves slot ${slot}`);
}

describe("resharding of a source cluster", () => {
  it("a key deleted on A, its slot moved A → B without it, written on B and migrated B → C: kept (A's old DEL does not pair with C's RESTORE)", async () => {
    const src = await startCluster({ masters: 3 });
    const dst = await startRedis();
    const p = pool.start(["--task", "stale-del", "--skip-precheck", "--source", src.uri, "--source-mode", "cluster", "--target", dst.uri]);
    await p.waitState("synchronizing");
    const masters = await src.masters();
    const slot = calculateSlot("{moved}");
    const a = await ownerOf(masters, slot);
    const [b, c] = masters.filter((n) => n !== a);
    const keys = Array.from({ length: 30 }, (_, i) => `{moved}:${i}`);
    // ordinary DELs on A: the key is gone there when its slot moves, so no MIGRATE carries it
    for (const k of keys) await a.client().set(k, "old");
    await a.client().del(...keys);
    await waitCaughtUp(p, masters);
    await moveSlot(src.nodes, slot, a, b, []);
    for (const k of keys) await b.client().set(k, "kept");
    await waitCaughtUp(p, masters);
    // each C's RESTORE must wait for B's DEL: paired with A's long acknowledged one it went at once,
    // and B's DEL, read after it, deleted the key on the destination
    await moveSlot(src.nodes, slot, b, c, keys);
    await waitCaughtUp(p, masters);
    const r = await compareSides(endpointOf(src, "cluster"), endpointOf(dst, "standalone"));
    expect(r.equal, describeDiff(r)).toBe(true);
    expect(await dst.client().mget(...keys)).toEqual(keys.map(() => "kept"));
    expect(p.last!.divergence.refused + p.last!.divergence.inexact).toBe(0);
  }, 120_000);

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
