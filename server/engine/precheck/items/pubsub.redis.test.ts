import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { startCluster, startRedis, stopAll, type RedisClusterHandle, type RedisNode } from "../../../testing/redis-harness";
import { endpointOf, item, precheck } from "../test-pair";

let source: RedisNode;
let target: RedisNode;
let cluster: RedisClusterHandle;

beforeAll(async () => {
  source = await startRedis();
  target = await startRedis({ aclUsers: { nopub: "on >pw ~* &* +@all -publish" } });
  cluster = await startCluster({ masters: 3, aclUsers: { nochannels: "on >pw ~* resetchannels +@all" } });
}, 120_000);
afterAll(stopAll);

describe("pubsub", () => {
  it("a standalone source passes: PUBLISH is in its replication stream", async () => {
    const p = item(await precheck({ source: endpointOf(source), target: endpointOf(target) }), "pubsub");
    expect(p.status).toBe("passed");
    expect(p.message).toBe("PUBLISH on the source travels in its replication stream: it is applied on the destination in order with the data.");
  });

  it("a destination account that may not PUBLISH is a warning naming the fix", async () => {
    const p = item(await precheck({ source: endpointOf(source), target: endpointOf(target, "standalone", { username: "nopub", password: "pw" }) }), "pubsub");
    expect(p.status).toBe("warning");
    expect(p.message).toBe("The destination account may not PUBLISH (This user has no permissions to run the 'publish' command): messages published on the source will be refused by the destination");
    expect(p.fix).toBe("Allow it: ACL SETUSER nopub +publish.");
  });

  it("a cluster source warns: forwarded at-most-once, shard channels not at all (named when subscribed)", async () => {
    // a shard-channel subscriber on the node owning the channel's slot
    let sub: Redis | null = null;
    for (const m of await cluster.masters()) {
      const c = new Redis({ host: m.host, port: m.port, lazyConnect: true });
      c.on("error", () => {});
      await c.connect();
      try {
        await c.call("SSUBSCRIBE", "orders");
        sub = c;
        break;
      } catch {
        c.disconnect();
      }
    }
    expect(sub).not.toBeNull();
    try {
      const p = item(await precheck({ source: endpointOf(cluster.nodes[0], "cluster"), target: endpointOf(target) }), "pubsub");
      expect(p.status).toBe("warning");
      expect(p.message).toMatch(/^PUBLISH on a source cluster travels over the cluster bus, not the replication stream: the task forwards it by subscribing \(PSUBSCRIBE \*\)/);
      expect(p.message).toMatch(/pub\/sub is at-most-once: a message published while that subscription or the destination link is down is lost/);
      expect(p.message).toMatch(/shard channels \(SPUBLISH, Redis 7\.0\+\) cannot be subscribed by pattern and are not forwarded; 1 shard channel has subscribers on the source now: orders/);
      expect(p.fix).toMatch(/Stream \(XADD\)/);
    } finally {
      sub?.disconnect();
    }
  });

  it("a cluster source account without channel permissions: nothing would be forwarded, and how to allow it", async () => {
    const p = item(await precheck({ source: endpointOf(cluster.nodes[0], "cluster", { username: "nochannels", password: "pw" }), target: endpointOf(target) }), "pubsub");
    expect(p.status).toBe("warning");
    expect(p.message).toMatch(/^The source account may not PSUBSCRIBE \* \(.+\): no message will be forwarded/);
    expect(p.fix).toMatch(/^Allow it on the source: ACL SETUSER nochannels &\* \+psubscribe\./);
  });
});
