import { afterAll, describe, expect, it } from "vitest";
import { startRedis, startCluster, startMasterReplica, stopAll, info } from "./redis-harness";

afterAll(stopAll);

describe("redis harness", () => {
  it("starts a standalone server with a password and an ACL user, off 6379", async () => {
    const node = await startRedis({ password: "s3cret", aclUsers: { dts: "on >pw ~* &* +@all" } });
    expect(node.port).not.toBe(6379);
    const c = node.client();
    await c.set("k", "v");
    expect(await c.get("k")).toBe("v");
    expect(await c.call("CONFIG", "GET", "save")).toEqual(["save", ""]);
    await node.kill();
    expect(node.running()).toBe(false);
    await node.restart();
    expect(node.running()).toBe(true);
  });

  it("starts a master with a replica that is linked", async () => {
    const { master, replicas } = await startMasterReplica(1);
    await master.client().set("a", "1");
    expect(await info(replicas[0], "replication")).toContain("master_link_status:up");
  });

  it("starts a 3-master cluster with replicas", async () => {
    const cluster = await startCluster({ masters: 3, replicasPerMaster: 1 });
    expect((await cluster.masters()).length).toBe(3);
    expect((await cluster.replicas()).length).toBe(3);
    const c = cluster.client();
    await c.set("{x}1", "y");
    expect(await c.get("{x}1")).toBe("y");
  });
});
