import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { startCluster, startRedis, stopAll, waitFor, info, type RedisNode } from "../../testing/redis-harness";
import { discoverTopology } from "../topology";
import { SourceTopologyWatch, type WatchedShard } from "./source-topology-watch";

afterAll(stopAll);

type Ranges = Array<[number, number]>;

const replid = async (n: RedisNode) => /master_replid:(\w+)/.exec(await info(n, "replication"))![1];

/**
 * CLUSTER FAILOVER moves the slots to the promoted replica at once, but the other nodes learn that
 * the old master is a replica a gossip round later. A slot map read in between shows the old master
 * as a master without slots: that must not pass for a resharding that empties its shard's slots
 * (the shard then stopped following its failover, and CI saw it stay on the demoted node).
 */
describe("source topology watch during a planned failover", () => {
  it("keeps the slots of a shard whose promoted replica is seen before its demotion, and reports no resharding", async () => {
    const src = await startCluster({ masters: 3, replicasPerMaster: 1 });
    const replica = (await src.replicas())[0];
    const masterInfo = await info(replica, "replication");
    const oldPort = Number(/master_port:(\d+)/.exec(masterInfo)![1]);
    const old = src.nodes.find((n) => n.port === oldPort)!;
    const streamed = await replid(old);
    const before = await discoverTopology({ host: old.host, port: old.port });
    const oldSlots = before.nodes.find((n) => n.port === oldPort)!.slots as Ranges;

    expect(spawnSync("redis-cli", ["-p", String(replica.port), "CLUSTER", "FAILOVER"], { encoding: "utf8" }).stdout.trim()).toBe("OK");
    await waitFor(async () => (await info(replica, "replication")).includes("role:master"), 20_000, "replica promoted");

    // the map as a node that has not yet heard of the demotion describes it
    const now = await discoverTopology({ host: replica.host, port: replica.port });
    const midGossip = {
      ...now,
      nodes: now.nodes.map((n) => (n.port === oldPort ? { ...n, role: "master" as const, slots: [], flags: n.flags.filter((f) => f !== "slave").concat("master") } : n)),
    };
    expect(midGossip.nodes.find((n) => n.port === replica.port)!.slots).toEqual(oldSlots);

    // every master of the cluster has its shard; the watched one follows the old master's stream
    const moves: Ranges[] = [];
    const others: WatchedShard[] = [];
    for (const m of before.nodes.filter((n) => n.role === "master" && n.port !== oldPort)) {
      const node = src.nodes.find((n) => n.port === m.port)!;
      others.push({ address: `${m.host}:${m.port}`, slots: m.slots as Ranges, replicationId: await replid(node), setSlots: (s) => moves.push(s) });
    }
    const shard: WatchedShard = { address: `${old.host}:${oldPort}`, slots: oldSlots, replicationId: streamed, setSlots: (s) => moves.push(s) };
    const lines: string[] = [];
    const adopted: number[] = [];
    const watch = new SourceTopologyWatch({
      discover: async () => midGossip,
      shards: () => [shard, ...others],
      adopt: async (n) => void adopted.push(n.port),
      auth: {},
      log: (_level, m) => lines.push(m),
    });
    await watch.check();
    expect(moves).toEqual([]);
    expect(lines.filter((l) => l.includes("resharding") || l.includes("joined"))).toEqual([]);
    expect(adopted).toEqual([]);

    // the same map once the shard moved to the heir: nothing to do either
    const moved: WatchedShard = { ...shard, address: `${replica.host}:${replica.port}` };
    const watchMoved = new SourceTopologyWatch({ discover: async () => now, shards: () => [moved, ...others], adopt: async (n) => void adopted.push(n.port), auth: {}, log: (_l, m) => lines.push(m) });
    await watchMoved.check();
    expect(moves).toEqual([]);
    expect(adopted).toEqual([]);
    expect(lines).toEqual([]);
  });

  it("holds the slot map while a master that took slots cannot be asked for its history, says so once, and follows it once it answers", async () => {
    const src = await startCluster({ masters: 3 });
    const t = await discoverTopology({ host: src.nodes[0].host, port: src.nodes[0].port });
    const shardMasters = t.nodes.filter((n) => n.role === "master");
    const moves: Array<[string, Ranges]> = [];
    const shards: WatchedShard[] = [];
    for (const m of shardMasters) {
      const address = `${m.host}:${m.port}`;
      shards.push({ address, slots: m.slots as Ranges, replicationId: await replid(src.nodes.find((n) => n.port === m.port)!), setSlots: (r) => moves.push([address, r]) });
    }
    // slots 0-99 moved to a master added to the cluster (its history is a fresh server's)
    const added = await startRedis();
    const giver = shardMasters.find((m) => m.slots.some(([a]) => a === 0))!;
    const map = {
      ...t,
      nodes: [
        ...t.nodes.map((n) => (n === giver ? { ...n, slots: n.slots.map(([a, b]) => [a === 0 ? 100 : a, b] as [number, number]) } : n)),
        { ...giver, host: added.host, port: added.port, nodeId: "added", slots: [[0, 99]] as Ranges },
      ],
    };
    const lines: string[] = [];
    const adopted: number[] = [];
    const watch = new SourceTopologyWatch({ discover: async () => map, shards: () => shards, adopt: async (n) => void adopted.push(n.port), auth: {}, log: (_l, m) => lines.push(m) });

    await added.stop();
    await watch.check();
    await watch.check();
    expect(moves).toEqual([]);
    expect(adopted).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`source master ${added.host}:${added.port}, which no shard follows yet, cannot be asked for its replication history`);
    expect(lines[0]).toContain("slot moves are not followed until it answers");

    await added.restart();
    await watch.check();
    expect(lines.slice(1, 3)).toEqual([`source master ${added.host}:${added.port} answers again`, expect.stringContaining(`100 slots 0-99 moved from ${giver.host}:${giver.port} to ${added.host}:${added.port}`)]);
    expect(moves).toEqual([[`${giver.host}:${giver.port}`, giver.slots.map(([a, b]) => [a === 0 ? 100 : a, b])]]);
    expect(adopted).toEqual([added.port]);
  });
});
