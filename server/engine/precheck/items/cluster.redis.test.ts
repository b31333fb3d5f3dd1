import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { startCluster, startRedis, stopAll, waitFor, info, type RedisClusterHandle, type RedisNode } from "../../../testing/redis-harness";
import { endpointOf, item, precheck } from "../test-pair";

let source: RedisClusterHandle;
let target: RedisClusterHandle;
let standalone: RedisNode;

beforeAll(async () => {
  source = await startCluster({ masters: 3, replicasPerMaster: 1, password: "cpw" });
  target = await startCluster({ masters: 3, password: "tpw" });
  standalone = await startRedis();
}, 180_000);
afterAll(stopAll);

const src = (i = 0, mode: "cluster" | "standalone" = "cluster") => endpointOf(source.nodes[i], mode);
const dst = (i = 0, mode: "cluster" | "standalone" = "cluster") => endpointOf(target.nodes[i], mode);

function direct(node: RedisNode, password: string | undefined): Redis {
  const c = new Redis({ host: node.host, port: node.port, password, protocol: 2, lazyConnect: false, maxRetriesPerRequest: 1 });
  c.on("error", () => {});
  return c;
}

describe("cluster pair", () => {
  it("checks every master and replica of both clusters and passes a healthy pair", async () => {
    const r = await precheck({ source: src(), target: dst() });
    // pub/sub of a cluster source is at-most-once: always a warning, never a failure
    const failedItems = r.items.filter((i) => i.status !== "passed" && !(i.id === "pubsub" && i.status === "warning")).map((i) => `${i.id}: ${i.message}`);
    expect(failedItems).toEqual([]);
    expect(item(r, "pubsub").status).toBe("warning");
    expect(item(r, "source_connectivity").message).toMatch(/All 6 nodes \(3 masters, 3 replicas\) of the source cluster answered/);
    expect(item(r, "target_connectivity").message).toMatch(/All 3 nodes \(3 masters, 0 replicas\)/);
    expect(item(r, "source_auth").message).toMatch(/authenticated on 6 nodes/);
    expect(item(r, "source_psync").message).toMatch(/All 6 source nodes accept PSYNC/);
    expect(item(r, "source_mode").message).toMatch(/healthy cluster, as chosen: cluster_state:ok, all 16384 slots covered by 3 masters/);
    expect(item(r, "heartbeat").message).toMatch(/all 3 source masters/);
  });

  it("fails Standalone chosen for a cluster, and Cluster chosen for a standalone server", async () => {
    const r = await precheck({ source: src(0, "standalone"), target: endpointOf(standalone, "cluster") });
    const s = item(r, "source_mode");
    expect(s.status).toBe("failed");
    expect(s.message).toMatch(/Instance Mode Standalone was chosen for the source, but 127\.0\.0\.1:\d+ is a cluster node \(cluster_enabled:1\)/);
    expect(s.fix).toMatch(/Choose Instance Mode Cluster for the source \(CLI: --source-mode cluster\)/);
    const t = item(r, "target_mode");
    expect(t.status).toBe("failed");
    expect(t.message).toMatch(/Instance Mode Cluster was chosen for the destination, but .* is not a cluster node/);
  });

  it("fails the same cluster on both sides, reached through different nodes", async () => {
    const r = await precheck({ source: src(0), target: src(1) });
    const d = item(r, "same_deployment");
    expect(d.status).toBe("failed");
    expect(d.message).toMatch(/^Source and destination are the same deployment: both include 127\.0\.0\.1:\d+/);
  });

  it("fails a source cluster whose nodes do not share one password", async () => {
    const replica = (await source.replicas())[0];
    const c = direct(replica, "cpw");
    await c.config("SET", "requirepass", "other");
    try {
      const a = item(await precheck({ source: src(), target: dst() }), "source_auth");
      expect(a.status).toBe("failed");
      expect(a.message).toBe(`The credentials work on 5 of 6 nodes but are refused by 127.0.0.1:${replica.port}. All nodes of a source cluster must share one password.`);
    } finally {
      const back = direct(replica, "other");
      await back.config("SET", "requirepass", "cpw");
      back.disconnect();
      c.disconnect();
    }
  });

  it("fails a cluster with uncovered slots, naming them", async () => {
    const owner = (await target.masters())[0];
    const c = direct(owner, "tpw");
    const nodes = String(await c.call("CLUSTER", "NODES"));
    const mine = nodes.split("\n").find((l) => l.includes("myself"))!;
    const start = Number(/ (\d+)-\d+/.exec(mine)![1]);
    const slots = Array.from({ length: 100 }, (_, i) => String(start + i));
    await c.call("CLUSTER", "DELSLOTS", ...slots);
    try {
      const m = item(await precheck({ source: src(), target: endpointOf(owner, "cluster") }), "target_mode");
      expect(m.status).toBe("failed");
      expect(m.message).toBe(`The destination cluster is not healthy: cluster_state:fail; 16284 of 16384 slots are covered (not covered: ${start}-${start + 99})`);
      expect(m.fix).toMatch(/--cluster fix/);
    } finally {
      await c.call("CLUSTER", "ADDSLOTS", ...slots);
      c.disconnect();
      await waitFor(async () => (await info(owner, "", "CLUSTER INFO")).includes("cluster_state:ok"), 20_000, "cluster ok again");
    }
  });

  it("warns when a replica cannot be reached and fails when a master cannot", async () => {
    const replica = (await source.replicas())[0];
    await replica.kill();
    const r = await precheck({ source: src(source.nodes.indexOf((await source.masters())[0])), target: dst(), timeoutMs: 1000 });
    const c = item(r, "source_connectivity");
    expect(c.status).toBe("warning");
    expect(c.message).toMatch(new RegExp(`1 replica of 6 nodes cannot be reached: 127\\.0\\.0\\.1:${replica.port} \\(replica\\): connection to .* refused`));
    const master = (await target.masters())[1];
    await master.kill();
    const t = item(await precheck({ source: src(source.nodes.indexOf((await source.masters())[0])), target: endpointOf(target.nodes.find((n) => n !== master && n.running())!, "cluster"), timeoutMs: 1000 }), "target_connectivity");
    expect(t.status).toBe("failed");
    expect(t.message).toMatch(new RegExp(`1 master of 3 nodes cannot be reached: 127\\.0\\.0\\.1:${master.port} \\(master\\)`));
  });
});
