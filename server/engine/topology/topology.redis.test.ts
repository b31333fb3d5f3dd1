import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import net from "node:net";
import { startRedis, startCluster, stopAll, type RedisNode, type RedisClusterHandle } from "../../testing/redis-harness";
import { freePort } from "../../testing/free-port";
import { probeNode, discoverTopology, masters, replicasOf, parseClusterNodes, countSlots } from "./index";

let plain: RedisNode;
let secured: RedisNode;
let cluster: RedisClusterHandle;
let httpServer: http.Server;
let silentServer: net.Server;
let httpPort: number;
let silentPort: number;
const silentSockets = new Set<net.Socket>();

beforeAll(async () => {
  plain = await startRedis();
  secured = await startRedis({ password: "s3cret", aclUsers: { reader: "on >rpw ~* &* +@all -info" } });
  cluster = await startCluster({ masters: 3, replicasPerMaster: 1, password: "cpw" });
  httpPort = await freePort();
  httpServer = http.createServer((_req, res) => res.end("hello"));
  await new Promise<void>((r) => httpServer.listen(httpPort, "127.0.0.1", r));
  silentPort = await freePort();
  silentServer = net.createServer((s) => { silentSockets.add(s); s.on("error", () => {}); });
  await new Promise<void>((r) => silentServer.listen(silentPort, "127.0.0.1", r));
}, 120_000);

afterAll(async () => {
  for (const s of silentSockets) s.destroy();
  await new Promise((r) => silentServer?.close(r));
  await new Promise((r) => httpServer?.close(r));
  await stopAll();
});

describe("probeNode", () => {
  it("identifies a Redis master", async () => {
    const p = await probeNode({ host: plain.host, port: plain.port });
    expect(p.status).toBe("ok");
    expect(p.server?.implementation).toBe("redis");
    expect(p.server?.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(p.server?.role).toBe("master");
    expect(p.server?.clusterEnabled).toBe(false);
    expect(p.server?.runId).toMatch(/^[0-9a-f]{40}$/);
  });

  it("reports a wrong password, a missing one and a right one", async () => {
    const wrong = await probeNode({ host: secured.host, port: secured.port, password: "nope" });
    expect(wrong.status).toBe("auth_failed");
    expect(wrong.isRedis).toBe(true);
    expect(wrong.message).toMatch(/refused the password/);
    expect(wrong.message).not.toContain("nope");
    const missing = await probeNode({ host: secured.host, port: secured.port });
    expect(missing.status).toBe("auth_failed");
    expect(missing.message).toMatch(/requires a password/);
    const right = await probeNode({ host: secured.host, port: secured.port, password: "s3cret" });
    expect(right.status).toBe("ok");
  });

  it("says an authenticated account that may not run INFO lacks the permission", async () => {
    const p = await probeNode({ host: secured.host, port: secured.port, username: "reader", password: "rpw" });
    expect(p.status).toBe("error");
    expect(p.authOk).toBe(true);
    expect(p.message).toMatch(/may not run INFO/);
  });

  it("names a port that speaks HTTP", async () => {
    const p = await probeNode({ host: "127.0.0.1", port: httpPort }, { timeoutMs: 2000 });
    expect(p.status).toBe("not_redis");
    expect(p.speaks).toBe("http");
    expect(p.message).toMatch(/speaks HTTP/);
  });

  it("reports a server that accepts and stays silent, within the timeout", async () => {
    const p = await probeNode({ host: "127.0.0.1", port: silentPort }, { timeoutMs: 300 });
    expect(p.status).toBe("silent");
    expect(p.reachable).toBe(true);
    expect(p.message).toMatch(/300 ms/);
  });

  it("reports a port nobody listens on", async () => {
    const port = await freePort();
    const p = await probeNode({ host: "127.0.0.1", port }, { timeoutMs: 1000 });
    expect(p.status).toBe("refused");
    expect(p.reachable).toBe(false);
  });
});

describe("discoverTopology", () => {
  it("describes a standalone server as one master serving every slot", async () => {
    const t = await discoverTopology({ host: plain.host, port: plain.port });
    expect(t.mode).toBe("standalone");
    expect(t.nodes).toHaveLength(1);
    expect(t.slotsCovered).toBe(16384);
    expect(masters(t)).toHaveLength(1);
  });

  it("finds every master and replica of a cluster with slots covered", async () => {
    const seed = cluster.nodes[0];
    const t = await discoverTopology({ host: seed.host, port: seed.port, password: "cpw" });
    expect(t.mode).toBe("cluster");
    expect(t.clusterState).toBe("ok");
    expect(t.nodes).toHaveLength(6);
    expect(t.slotsCovered).toBe(16384);
    const ms = masters(t);
    expect(ms).toHaveLength(3);
    expect(new Set(t.nodes.map((n) => n.port))).toEqual(new Set(cluster.nodes.map((n) => n.port)));
    for (const m of ms) expect(replicasOf(t, m)).toHaveLength(1);
  });

  it("throws AUTH_FAILED for a wrong password", async () => {
    const seed = cluster.nodes[0];
    await expect(discoverTopology({ host: seed.host, port: seed.port, password: "x" })).rejects.toMatchObject({ code: "AUTH_FAILED" });
  });
});

describe("parseClusterNodes", () => {
  const id = (c: string) => c.repeat(40);
  it("reads addresses, roles, slots, and rewrites nothing itself", () => {
    const text = [
      `${id("a")} 127.0.0.1:7000@17000,host-a myself,master - 0 0 1 connected 0-5460 [5461->-${id("b")}]`,
      `${id("b")} :0@0 master,noaddr - 0 0 2 disconnected 5461 5462-16383`,
      `${id("c")} ::1:7002@17002 slave ${id("a")} 0 0 1 connected`,
      `${id("d")} 10.0.0.4:7003 slave ${id("b")} 0 0 2 connected`,
    ].join("\n");
    const nodes = parseClusterNodes(text);
    expect(nodes.map((n) => [n.host, n.port, n.role])).toEqual([["127.0.0.1", 7000, "master"], ["", 0, "master"], ["::1", 7002, "replica"], ["10.0.0.4", 7003, "replica"]]);
    expect(nodes[0].hostname).toBe("host-a");
    expect(nodes[0].slots).toEqual([[0, 5460]]);
    expect(nodes[2].masterId).toBe(id("a"));
    expect(countSlots(nodes.flatMap((n) => n.slots))).toBe(16384);
  });

  it("rejects slot numbers and ranges a server must not send", () => {
    const line = (slots: string) => `${id("a")} 127.0.0.1:7000@17000 master - 0 0 1 connected ${slots}`;
    expect(() => parseClusterNodes(line("0-16384"))).toThrow(/outside/);
    expect(() => parseClusterNodes(line("100-5"))).toThrow(/slot range/);
    expect(() => parseClusterNodes(line("x"))).toThrow(/not a number/);
    expect(() => parseClusterNodes(`zz 127.0.0.1:1 master - 0 0 1 connected`)).toThrow(/node id/);
    expect(() => parseClusterNodes(`${id("a")} 127.0.0.1:99999 master - 0 0 1 connected`)).toThrow(/port/);
  });
});
