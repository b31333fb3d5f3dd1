import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startRedis, startCluster, stopAll, type RedisNode, type RedisClusterHandle } from "../../../testing/redis-harness";
import { endpointOf, item, precheck } from "../test-pair";

let source: RedisNode;
let target: RedisNode;
let smallTarget: RedisNode;
let clusterTarget: RedisClusterHandle;

beforeAll(async () => {
  source = await startRedis();
  target = await startRedis();
  smallTarget = await startRedis({ config: { databases: "2" } });
  clusterTarget = await startCluster({ masters: 3 });
}, 120_000);
afterAll(stopAll);

beforeEach(async () => {
  await source.client().flushall();
  await target.client().flushall();
  for (const m of await clusterTarget.masters()) await m.client().flushall();
});

async function fill(node: RedisNode, db: number, n: number) {
  const c = node.client();
  await c.select(db);
  for (let i = 0; i < n; i++) await c.set(`key:${i}`, "x");
  await c.select(0);
}

describe("conflict", () => {
  it("Intercept: fails naming how many keys each mapped destination database holds", async () => {
    await fill(source, 0, 1);
    await fill(source, 1, 1);
    await fill(target, 0, 3);
    await fill(target, 1, 2);
    await fill(target, 5, 7); // not mapped: does not count
    const r = await precheck({ source: endpointOf(source), target: endpointOf(target), conflict: "intercept" });
    const c = item(r, "conflict");
    expect(c.status).toBe("failed");
    expect(c.message).toBe("Pre-check and Intercept: the destination is not empty: db0 has 3 keys, db1 has 2 keys");
    expect(c.fix).toMatch(/FLUSHDB in db0, db1/);
    expect(r.passed).toBe(false);
  });

  it("Intercept: an earlier task's heartbeats and fences are not existing data, and are not counted", async () => {
    await fill(source, 0, 2);
    const t = target.client();
    await t.set("DTS_REDIS_TIMESTAMP_HEARTBEAT:oldtask:{0}", String(Date.now()), "PX", 3_600_000);
    await t.set("DTS_REDIS_TIMESTAMP_HEARTBEAT:oldtask:fence:0123456789:{0}", "00000000000000000042000001");
    await t.select(1);
    await t.set("DTS_REDIS_TIMESTAMP_HEARTBEAT:other:{5}", "1");
    // the source's own heartbeat does not make db2 a database "holding keys" either
    const s = source.client();
    await s.select(2);
    await s.set("DTS_REDIS_TIMESTAMP_HEARTBEAT:oldtask:{0}", "1");
    const r = await precheck({ source: endpointOf(source), target: endpointOf(target), conflict: "intercept" });
    const c = item(r, "conflict");
    expect(c.status, c.message).toBe("passed");
    expect(c.message).toBe("The destination's db0 is empty.");
    expect(item(r, "db_mapping").message).toMatch(/^Databases holding keys: db0 → db0;/);

    // one data key next to them is a conflict, counted alone
    await t.set("user:1", "x");
    const again = item(await precheck({ source: endpointOf(source), target: endpointOf(target), conflict: "intercept", dbs: [0, 1] }), "conflict");
    expect(again.status).toBe("failed");
    expect(again.message).toBe("Pre-check and Intercept: the destination is not empty: db1 has 1 key");
  });

  it("Intercept on a cluster destination holding only an old task's fences on every master passes", async () => {
    await fill(source, 0, 1);
    const c = clusterTarget.client();
    for (const tag of ["a", "b", "c", "d", "e", "f"]) await c.set(`DTS_REDIS_TIMESTAMP_HEARTBEAT:oldtask:fence:0123456789:{${tag}}`, "1");
    const r = item(await precheck({ source: endpointOf(source), target: endpointOf(clusterTarget.nodes[0], "cluster"), conflict: "intercept", dbs: [0] }), "conflict");
    expect(r.status, r.message).toBe("passed");
    await c.set("{a}data", "1");
    const failed = item(await precheck({ source: endpointOf(source), target: endpointOf(clusterTarget.nodes[0], "cluster"), conflict: "intercept", dbs: [0] }), "conflict");
    expect(failed.message).toBe("Pre-check and Intercept: the destination is not empty: db0 has 1 key");
  });

  it("Intercept passes when only unmapped destination databases hold keys", async () => {
    await fill(source, 0, 1);
    await fill(target, 5, 7);
    const c = item(await precheck({ source: endpointOf(source), target: endpointOf(target), dbs: [0] }), "conflict");
    expect(c.status).toBe("passed");
    expect(c.message).toMatch(/db0 is empty/);
  });

  it("Ignore: warns that keys of the same name will be overwritten, with the count", async () => {
    await fill(source, 0, 1);
    await fill(target, 0, 4);
    const r = await precheck({ source: endpointOf(source), target: endpointOf(target), conflict: "ignore" });
    const c = item(r, "conflict");
    expect(c.status).toBe("warning");
    expect(c.message).toMatch(/holds 4 keys \(db0 has 4 keys\).*will be overwritten/);
    expect(r.passed).toBe(true);
    const empty = item(await precheck({ source: endpointOf(source), target: endpointOf(smallTarget), conflict: "ignore" }), "conflict");
    expect(empty.status).toBe("warning");
    expect(empty.message).toMatch(/db0 is empty now; keys of the same name/);
  });

  it("counts keys over every master of a cluster destination", async () => {
    await fill(source, 0, 1);
    const c = clusterTarget.client();
    for (let i = 0; i < 30; i++) await c.set(`k${i}`, "v");
    const r = await precheck({ source: endpointOf(source), target: endpointOf(clusterTarget.nodes[0], "cluster") });
    expect(item(r, "conflict").message).toMatch(/db0 has 30 keys/);
  });
});

describe("db_mapping", () => {
  it("passes selected databases that exist, mapped one to one", async () => {
    const d = item(await precheck({ source: endpointOf(source), target: endpointOf(target), dbs: [0, 3] }), "db_mapping");
    expect(d.status).toBe("passed");
    expect(d.message).toBe("Selected: db0 → db0, db3 → db3; every selected database exists on the source (16 databases).");
  });

  it("fails a database the source does not have", async () => {
    const d = item(await precheck({ source: endpointOf(source), target: endpointOf(target), dbs: [0, 20] }), "db_mapping");
    expect(d.status).toBe("failed");
    expect(d.message).toMatch(/^The source has 16 databases \(0-15\); db20 does not exist/);
  });

  it("fails a mapping past the destination's databases", async () => {
    const d = item(await precheck({ source: endpointOf(source), target: endpointOf(smallTarget), dbs: [0, 3] }), "db_mapping");
    expect(d.status).toBe("failed");
    expect(d.message).toMatch(/^The destination has 2 databases \(0-1\), but db3 → db3/);
  });

  it("warns when several source databases merge into one, and about mapped databases not selected", async () => {
    const r = await precheck({ source: endpointOf(source), target: endpointOf(target), dbs: [0, 1], dbMap: new Map([[0, 0], [1, 0], [7, 2]]) });
    const d = item(r, "db_mapping");
    expect(d.status).toBe("warning");
    expect(d.message).toMatch(/db0 \+ db1 are merged into db0/);
    expect(d.message).toMatch(/names db7, which is not selected/);
  });

  it("a cluster destination takes only db 0: every selected database goes there by default (a merge warning); a map elsewhere fails", async () => {
    await fill(source, 1, 2);
    const cluster = endpointOf(clusterTarget.nodes[0], "cluster");
    // the default the engine applies and `sync --help` documents ("cluster: 0")
    const merged = item(await precheck({ source: endpointOf(source), target: cluster, dbs: [0, 1] }), "db_mapping");
    expect(merged.status, merged.message).toBe("warning");
    expect(merged.message).toMatch(/^Selected: db0 → db0, db1 → db0; db0 \+ db1 are merged into db0: a key present in several of them keeps only the last value written/);
    const bad = item(await precheck({ source: endpointOf(source), target: cluster, dbs: [0, 1], dbMap: new Map([[1, 1]]) }), "db_mapping");
    expect(bad.status).toBe("failed");
    expect(bad.message).toMatch(/^A cluster destination has only db 0, but db1 → db1/);
    expect(bad.fix).toMatch(/--db-map 1:0/);
    const mapped = await precheck({ source: endpointOf(source), target: cluster, dbs: [1], dbMap: new Map([[1, 0]]) });
    expect(item(mapped, "db_mapping").status).toBe("passed");
    expect(item(mapped, "db_mapping").message).toMatch(/db1 → db0/);
  });
});
