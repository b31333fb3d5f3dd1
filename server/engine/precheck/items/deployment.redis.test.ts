import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, startMasterReplica, stopAll, type RedisNode, type MasterReplica } from "../../../testing/redis-harness";
import { endpointOf, item, precheck } from "../test-pair";

let source: RedisNode;
let target: RedisNode;
let twoAddresses: RedisNode;
let pair: MasterReplica;

beforeAll(async () => {
  source = await startRedis();
  target = await startRedis();
  twoAddresses = await startRedis({ config: { bind: "127.0.0.1 127.0.0.2" } });
  pair = await startMasterReplica(1);
}, 60_000);
afterAll(stopAll);

describe("same_deployment", () => {
  it("passes two different servers", async () => {
    const d = item(await precheck({ source: endpointOf(source), target: endpointOf(target) }), "same_deployment");
    expect(d.status).toBe("passed");
  });

  it("fails the same address, even written differently", async () => {
    const r = await precheck({ source: endpointOf(source), target: { host: "localhost", port: source.port, mode: "standalone" }, conflict: "ignore" });
    expect(item(r, "same_deployment").status).toBe("failed");
    expect(item(r, "same_deployment").message).toMatch(/both include 127\.0\.0\.1:\d+/);
  });

  it("fails the same server reached through another address (same run_id)", async () => {
    const r = await precheck({ source: endpointOf(twoAddresses), target: { host: "127.0.0.2", port: twoAddresses.port, mode: "standalone" } });
    const d = item(r, "same_deployment");
    expect(d.status).toBe("failed");
    expect(d.message).toMatch(/^Source 127\.0\.0\.1:\d+ and destination 127\.0\.0\.2:\d+ are the same server \(run_id [0-9a-f]{12}…\)/);
  });

  it("fails a destination that replicates the source (same replication id)", async () => {
    const r = await precheck({ source: endpointOf(pair.master), target: endpointOf(pair.replicas[0]) });
    const d = item(r, "same_deployment");
    expect(d.status).toBe("failed");
    expect(d.message).toMatch(/belongs to the source's replication group \(same master_replid/);
  });
});

describe("target_in_use", () => {
  it("warns naming the running task that already writes into the destination", async () => {
    const others = [{ taskName: "orders-copy", host: "localhost", port: target.port }, { taskName: "elsewhere", host: "10.0.0.9", port: 6380 }];
    const r = await precheck({ source: endpointOf(source), target: endpointOf(target), otherTaskTargets: others });
    const u = item(r, "target_in_use");
    expect(u.status).toBe("warning");
    expect(u.message).toMatch(/already the destination of another running task: 'orders-copy' \(localhost:\d+\)/);
    expect(r.passed).toBe(true);
  });

  it("passes when the other tasks write elsewhere", async () => {
    const u = item(await precheck({ source: endpointOf(source), target: endpointOf(target), otherTaskTargets: [{ taskName: "x", host: "127.0.0.1", port: source.port }] }), "target_in_use");
    expect(u.status).toBe("passed");
    expect(u.message).toBe("The other running task writes into another destination.");
  });
});
