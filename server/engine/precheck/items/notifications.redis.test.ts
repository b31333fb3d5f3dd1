import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, stopAll, type RedisNode } from "../../../testing/redis-harness";
import { endpointOf, item, precheck } from "../test-pair";

/** Issue 17: what the precheck says of a source that refuses PSYNC, with and without keyspace notifications. */
let refusesPsync: RedisNode;
let refusesBoth: RedisNode;
let notifiesWithoutConfig: RedisNode;
let healthy: RedisNode;
let target: RedisNode;

const NO_REPLICATION = ['SYNC ""', 'PSYNC ""'];

beforeAll(async () => {
  refusesPsync = await startRedis({ config: { "rename-command": NO_REPLICATION } });
  refusesBoth = await startRedis({ config: { "rename-command": [...NO_REPLICATION, 'CONFIG ""'] } });
  notifiesWithoutConfig = await startRedis({ config: { "rename-command": [...NO_REPLICATION, 'CONFIG ""'], "notify-keyspace-events": "KA" } });
  healthy = await startRedis();
  target = await startRedis();
}, 60_000);
afterAll(stopAll);

describe("source_psync and source_notifications", () => {
  it("a refused PSYNC fails the replication reader, and the fix offers the scan reader", async () => {
    const r = await precheck({ source: endpointOf(refusesPsync), target: endpointOf(target) });
    const p = item(r, "source_psync");
    expect(p.status).toBe("failed");
    expect(p.message).toMatch(/renamed or disabled with rename-command/);
    expect(p.fix).toMatch(/scan reader.*best effort: verify before switching/);
    expect(item(r, "source_notifications").status).toBe("passed");
    expect(item(r, "source_notifications").message).toMatch(/^Not needed/);
  });

  it("auto: PSYNC refused is a warning that explains why it is not used; the task will turn notifications on", async () => {
    const r = await precheck({ source: endpointOf(refusesPsync), target: endpointOf(target), sourceReader: "auto" });
    const p = item(r, "source_psync");
    expect(p.status).toBe("warning");
    expect(p.message).toMatch(/^PSYNC is not used because the source refuses it: .*rename-command.*SCAN \+ DUMP.*best effort: verify before switching/);
    const n = item(r, "source_notifications");
    expect(n.status, n.message).toBe("warning");
    expect(n.message).toMatch(/turns keyspace notifications on .*notify-keyspace-events is ""/);
    expect(r.passed).toBe(true);
  });

  it("bad input: a source that refuses both PSYNC and keyspace notifications (CONFIG renamed, notifications off) fails with the fix", async () => {
    const r = await precheck({ source: endpointOf(refusesBoth), target: endpointOf(target), sourceReader: "auto" });
    const n = item(r, "source_notifications");
    expect(n.status).toBe("failed");
    expect(n.message).toMatch(/sends no keyspace notifications: .*a probe write sent no keyspace notification/);
    expect(n.fix).toMatch(/^Enable notify-keyspace-events KA on the source/);
    expect(r.passed).toBe(false);
  });

  it("CONFIG renamed but notifications on in redis.conf: a probe write is notified, passed", async () => {
    const r = await precheck({ source: endpointOf(notifiesWithoutConfig), target: endpointOf(target), sourceReader: "auto" });
    const n = item(r, "source_notifications");
    expect(n.status, n.message).toBe("passed");
    expect(n.message).toMatch(/a probe write was notified/);
    // the probe key is the product's own and short-lived: gone at once
    expect(await notifiesWithoutConfig.client().keys("*notify-probe*")).toEqual([]);
  });

  it("auto with a source that accepts PSYNC: replication, nothing about notifications", async () => {
    const r = await precheck({ source: endpointOf(healthy), target: endpointOf(target), sourceReader: "auto" });
    expect(item(r, "source_psync").status).toBe("passed");
    expect(item(r, "source_notifications").message).toMatch(/^Not needed: the source accepts PSYNC/);
  });

  it("scan forced on a source that accepts PSYNC: a warning saying so", async () => {
    const r = await precheck({ source: endpointOf(healthy), target: endpointOf(target), sourceReader: "scan" });
    expect(item(r, "source_psync").status).toBe("warning");
    expect(item(r, "source_psync").message).toMatch(/^PSYNC is not used: the task is set to the scan reader\. The source would accept PSYNC/);
  });
});
