import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, startMasterReplica, stopAll, type RedisNode, type MasterReplica } from "../../../testing/redis-harness";
import { endpointOf, item, precheck } from "../test-pair";

let source: RedisNode;
let renamed: RedisNode;
let target: RedisNode;
let pair: MasterReplica;

beforeAll(async () => {
  source = await startRedis({
    password: "adminpw",
    aclUsers: {
      syncer: "on >pw ~* &* +@all",
      nopsync: "on >pw ~* &* +@all -psync",
      blind: "on >pw ~* &* +@all -acl", // may not run ACL DRYRUN: PSYNC cannot be verified
      blindnorepl: "on >pw ~* &* +@all -acl -psync -replconf",
      nokeys: "on >pw ~app:* &* +@all",
      blindwriter: "on >pw ~* &* +@all -acl",
    },
  });
  renamed = await startRedis({ config: { "rename-command": 'PSYNC ""' } });
  target = await startRedis();
  pair = await startMasterReplica(1);
}, 60_000);
afterAll(stopAll);

const as = (username: string) => endpointOf(source, "standalone", { username, password: "pw" });

describe("source_psync", () => {
  it("passes an ACL user allowed PSYNC and REPLCONF (checked with ACL DRYRUN)", async () => {
    const p = item(await precheck({ source: as("syncer"), target: endpointOf(target) }), "source_psync");
    expect(p.status).toBe("passed");
    expect(p.message).toMatch(/accepts PSYNC and REPLCONF for user 'syncer' \(ACL DRYRUN/);
  });

  it("fails an ACL user without PSYNC and tells how to grant it", async () => {
    const p = item(await precheck({ source: as("nopsync"), target: endpointOf(target) }), "source_psync");
    expect(p.status).toBe("failed");
    expect(p.message).toMatch(/^A source node refuses replication to this account: 127\.0\.0\.1:\d+ \(ACL DRYRUN: user 'nopsync' may not run PSYNC or REPLCONF\)/);
    expect(p.fix).toMatch(/ACL SETUSER nopsync \+psync \+replconf/);
  });

  it("warns when the account may not run ACL DRYRUN, so PSYNC cannot be verified", async () => {
    const p = item(await precheck({ source: as("blind"), target: endpointOf(target) }), "source_psync");
    expect(p.status).toBe("warning");
    expect(p.message).toMatch(/could not be verified.*may not run ACL DRYRUN/);
  });

  it("still finds a missing REPLCONF permission without ACL DRYRUN (queued inside MULTI, discarded)", async () => {
    const p = item(await precheck({ source: as("blindnorepl"), target: endpointOf(target) }), "source_psync");
    expect(p.status).toBe("failed");
    expect(p.message).toMatch(/user 'blindnorepl' may not run REPLCONF/);
  });

  it("fails when PSYNC is renamed away", async () => {
    const p = item(await precheck({ source: endpointOf(renamed), target: endpointOf(target) }), "source_psync");
    expect(p.status).toBe("failed");
    expect(p.message).toMatch(/renamed or disabled with rename-command/);
  });
});

describe("heartbeat", () => {
  it("passes when ACL DRYRUN allows SET of the heartbeat key", async () => {
    const h = item(await precheck({ source: as("syncer"), target: endpointOf(target) }), "heartbeat");
    expect(h.status).toBe("passed");
    expect(h.message).toMatch(/may write DTS_REDIS_TIMESTAMP_HEARTBEAT on the source \(ACL DRYRUN/);
  });

  it("warns when the account's key patterns exclude the heartbeat key", async () => {
    const h = item(await precheck({ source: as("nokeys"), target: endpointOf(target) }), "heartbeat");
    expect(h.status).toBe("warning");
    expect(h.message).toMatch(/refuses the heartbeat key .*no permissions to access the 'DTS_REDIS_TIMESTAMP_HEARTBEAT:precheck:\{\d+\}' key.*latency will be estimated from replication offsets/);
    expect(h.fix).toMatch(/ACL SETUSER nokeys ~DTS_REDIS_TIMESTAMP_HEARTBEAT\* \+set/);
  });

  it("writes the key for real (short TTL) when ACL DRYRUN is not allowed", async () => {
    const h = item(await precheck({ source: as("blindwriter"), target: endpointOf(target), taskId: "t42" }), "heartbeat");
    expect(h.status).toBe("passed");
    expect(h.message).toMatch(/SET DTS_REDIS_TIMESTAMP_HEARTBEAT:t42:\{\d+\} succeeded/);
    expect(await source.client().keys("DTS_REDIS_TIMESTAMP_HEARTBEAT*")).toEqual([]);
  });

  it("warns when the source is a read-only replica", async () => {
    const r = await precheck({ source: endpointOf(pair.replicas[0]), target: endpointOf(target) });
    expect(item(r, "heartbeat").status).toBe("warning");
    expect(item(r, "heartbeat").message).toMatch(/read-only replica/);
    expect(item(r, "source_mode").status).toBe("passed");
    expect(item(r, "source_mode").message).toMatch(/a replica/);
  });
});

describe("target_mode for a replica destination", () => {
  it("fails a destination that is a read-only replica", async () => {
    const r = await precheck({ source: endpointOf(target), target: endpointOf(pair.replicas[0]) });
    const m = item(r, "target_mode");
    expect(m.status).toBe("failed");
    expect(m.message).toMatch(/is a read-only replica of 127\.0\.0\.1:\d+: it refuses writes/);
  });
});
