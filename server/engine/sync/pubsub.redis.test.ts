import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { startCluster, startRedis, stopAll, waitFor, type RedisNode } from "../../testing/redis-harness";
import { syncProcessPool, type SyncProcess } from "../../testing/sync-process";
import { storedEvents } from "../../testing/resilience";

/**
 * PUBLISH on a source cluster travels over the cluster bus, not the replication stream: the task
 * forwards it by subscribing on a source node. A standalone source's PUBLISH is in the stream and
 * arrives exactly once. Subscribers on the destination see what was published on any source master.
 */
const pool = syncProcessPool();
afterEach(pool.cleanup);
afterAll(stopAll);

/** A subscriber on one destination node: every message with its channel. */
async function subscriber(node: RedisNode): Promise<{ got: string[]; close(): void }> {
  const c = new Redis({ host: node.host, port: node.port, lazyConnect: true });
  c.on("error", () => {});
  await c.connect();
  const got: string[] = [];
  c.on("pmessage", (_p: string, channel: string, message: string) => got.push(`${channel}=${message}`));
  await c.psubscribe("*");
  return { got, close: () => c.disconnect() };
}

async function publishOn(node: RedisNode, channel: string, message: string): Promise<void> {
  await node.client().publish(channel, message);
}

async function linkUp(p: SyncProcess): Promise<void> {
  await waitFor(() => p.last?.pubsub?.link === "up", 20_000, `pub/sub link up: ${JSON.stringify(p.last?.pubsub)} ${p.stderr.slice(-500)}`);
}

async function forwardsFromEveryMaster(destination: RedisNode, p: SyncProcess, sourceMasters: RedisNode[]): Promise<void> {
  const sub = await subscriber(destination);
  try {
    // keyspace notifications are each server's own: the destination makes its own when it applies the write
    for (const m of sourceMasters) await m.client().config("SET", "notify-keyspace-events", "KEA");
    const expected: string[] = [];
    for (const [i, m] of sourceMasters.entries()) {
      await publishOn(m, `news:${i}`, `from master ${i}`);
      expected.push(`news:${i}=from master ${i}`);
    }
    // keyspace events on the source masters, for keys spread over the slots
    const writer = new Redis.Cluster([{ host: sourceMasters[0].host, port: sourceMasters[0].port }]);
    writer.on("error", () => {});
    for (let i = 0; i < 10; i++) await writer.set(`k${i}`, "1");
    writer.disconnect();
    await waitFor(() => sub.got.length >= expected.length, 10_000, `messages on the destination: ${JSON.stringify(sub.got)}`);
    // one more round trip: anything duplicated or forwarded by mistake has arrived by then
    await publishOn(sourceMasters[0], "end", "1");
    await waitFor(() => sub.got.includes("end=1"), 10_000, "the last message");
    expect(sub.got.filter((m) => m !== "end=1").sort()).toEqual(expected.sort());
    await waitFor(() => (p.last?.pubsub?.forwarded ?? 0) >= expected.length + 1, 5000, "the forwarded counter");
    expect(p.last?.pubsub).toMatchObject({ dropped: 0, link: "up", problem: null });
  } finally {
    sub.close();
  }
}

describe("pub/sub", () => {
  it("cluster → cluster: messages PUBLISHed on every source master reach a subscriber on the destination, once", async () => {
    const src = await startCluster({ masters: 3 });
    const dst = await startCluster({ masters: 3 });
    const p = pool.start(["--task", "ps-cc", "--skip-precheck", "--source", src.uri, "--source-mode", "cluster", "--target", dst.uri, "--target-mode", "cluster"]);
    await p.waitState("synchronizing");
    await linkUp(p);
    // a subscriber on a destination node the forwarder does not necessarily publish on
    await forwardsFromEveryMaster(dst.nodes[2], p, await src.masters());
  });

  it("cluster → standalone: the same, into a standalone destination", async () => {
    const src = await startCluster({ masters: 3 });
    const dst = await startRedis();
    const p = pool.start(["--task", "ps-cs", "--skip-precheck", "--source", src.uri, "--source-mode", "cluster", "--target", dst.uri]);
    await p.waitState("synchronizing");
    await linkUp(p);
    await forwardsFromEveryMaster(dst, p, await src.masters());
  });

  it("standalone source: PUBLISH comes through the replication stream, exactly once, with no forwarder", async () => {
    const src = await startRedis();
    const dst = await startRedis();
    const p = pool.start(["--task", "ps-ss", "--skip-precheck", "--source", src.uri, "--target", dst.uri]);
    await p.waitState("synchronizing");
    const sub = await subscriber(dst);
    try {
      const c = src.client();
      for (let i = 0; i < 5; i++) await c.publish("news", `m${i}`);
      await c.publish("end", "1");
      await waitFor(() => sub.got.includes("end=1"), 10_000, `the last message: ${JSON.stringify(sub.got)}`);
      expect(sub.got).toEqual(["news=m0", "news=m1", "news=m2", "news=m3", "news=m4", "end=1"]);
      expect(p.last?.pubsub).toBeUndefined();
    } finally {
      sub.close();
    }
  });

  it("a lost subscription is said in the events and re-established on another source node", async () => {
    const src = await startCluster({ masters: 3, replicasPerMaster: 1 });
    const dst = await startRedis();
    const p = pool.start(["--task", "ps-fail", "--skip-precheck", "--source", src.uri, "--source-mode", "cluster", "--target", dst.uri]);
    await p.waitState("synchronizing");
    await linkUp(p);
    const first = p.last!.pubsub!.node!;
    const victim = src.nodes.find((n) => `${n.host}:${n.port}` === first)!;
    expect(victim).toBeDefined();
    await victim.kill();
    await waitFor(() => storedEvents(p.dataDir, "ps-fail").some((e) => e.level === "warn" && e.message.startsWith(`pub/sub forwarding lost its subscription on the source ${first}`)), 10_000, "the event");
    await waitFor(() => p.last?.pubsub?.link === "up" && p.last.pubsub.node !== first, 30_000, `subscribed elsewhere: ${JSON.stringify(p.last?.pubsub)}`);
    // messages published on a surviving master arrive again (it may take a failover to settle)
    const sub = await subscriber(dst);
    try {
      const alive = (await src.masters()).filter((m) => m !== victim);
      await waitFor(async () => {
        await publishOn(alive[0], "after", "1");
        return sub.got.includes("after=1");
      }, 30_000, "a message after the subscription moved", 500);
    } finally {
      sub.close();
    }
  });
});
