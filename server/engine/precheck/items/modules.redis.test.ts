import { afterAll, describe, expect, it } from "vitest";
import { startCluster, startRedis, stopAll } from "../../../testing/redis-harness";
import { DTSTYPE_TYPE, seedModuleKeys, withDtstype } from "../../../testing/modules/module-fixtures";
import { redisearchModule } from "../../../testing/modules/build-module";
import { endpointOf, item, precheck } from "../test-pair";
import { parseRedisUri } from "../../endpoint";

/** The "modules" item against real servers with our dtstype module and Debian's RediSearch. */
afterAll(stopAll);

const redisearch = redisearchModule();

describe("precheck: source modules on the destination", () => {
  it("fails when the destination lacks the source's module, naming it, its version and the types in use", async () => {
    const src = await startRedis(withDtstype());
    await seedModuleKeys(src.client(), "m:", 30);
    await src.client().set("plain", "1");
    const dst = await startRedis();
    const m = item(await precheck({ source: endpointOf(src), target: endpointOf(dst) }), "modules");
    expect(m.status).toBe("failed");
    expect(m.message).toMatch(new RegExp(`^The destination lacks modules the source has: dtstype 1: missing on 127\\.0\\.0\\.1:${dst.port}\\.`));
    expect(m.message).toMatch(new RegExp(`module data types in a sample of 32 keys: ${DTSTYPE_TYPE} \\(31 keys\\)`));
    expect(m.fix).toBe("Load module dtstype version ≥ 1 on every destination node (loadmodule in its configuration, or MODULE LOAD), then run the precheck again.");
  });

  it("fails when the destination's module is older than the source's", async () => {
    const src = await startRedis(withDtstype({ DTSTYPE_VERSION: 3 }));
    const dst = await startRedis(withDtstype());
    const m = item(await precheck({ source: endpointOf(src), target: endpointOf(dst) }), "modules");
    expect(m.status).toBe("failed");
    expect(m.message).toMatch(new RegExp(`dtstype 3: older on 127\\.0\\.0\\.1:${dst.port} \\(1\\)`));
    expect(m.fix).toMatch(/module dtstype version ≥ 3/);
  });

  it("passes with the module on both sides, and with no modules at all (saying so)", async () => {
    const src = await startRedis(withDtstype());
    await seedModuleKeys(src.client(), "m:", 5);
    const dst = await startRedis(withDtstype({ DTSTYPE_VERSION: 2 }));
    const m = item(await precheck({ source: endpointOf(src), target: endpointOf(dst) }), "modules");
    expect(m.status, m.message).toBe("passed");
    expect(m.message).toMatch(/^The source's modules dtstype 1 \(on the source\) are loaded on every destination node in the same or a newer version; module data types in a sample of 6 keys: dts-value \(6 keys\): their values are copied with RESTORE\.$/);
    const plain = item(await precheck({ source: endpointOf(await startRedis()), target: endpointOf(dst) }), "modules");
    expect(plain).toMatchObject({ status: "passed", message: "The source has no modules loaded: no module data types to copy." });
  });

  it("checks every master of a cluster on both sides", async () => {
    const src = await startCluster({ masters: 3, ...withDtstype() });
    await seedModuleKeys(src.client(), "m:", 20);
    const without = item(await precheck({ source: parseRedisUri(src.uri, "cluster"), target: endpointOf(await startRedis()) }), "modules");
    expect(without.status).toBe("failed");
    expect(without.message).toMatch(/The source's modules: dtstype 1 \(on all 3 masters\); module data types in a sample of 21 keys: dts-value \(21 keys\)/);
    const dst = await startCluster({ masters: 3, ...withDtstype() });
    const ok = item(await precheck({ source: parseRedisUri(src.uri, "cluster"), target: parseRedisUri(dst.uri, "cluster") }), "modules");
    expect(ok.status, ok.message).toBe("passed");
    expect(ok.message).toMatch(/loaded on every destination master/);
  });

  it.skipIf(!redisearch)("names RediSearch (Debian's redis-redisearch) and its index types", async () => {
    const src = await startRedis({ config: { loadmodule: redisearch! } });
    const c = src.client();
    await c.call("FT.CREATE", "idx", "SCHEMA", "title", "TEXT");
    await c.call("FT.ADD", "idx", "doc1", "1.0", "FIELDS", "title", "hello world");
    const m = item(await precheck({ source: endpointOf(src), target: endpointOf(await startRedis()) }), "modules");
    expect(m.status).toBe("failed");
    expect(m.message).toMatch(/ft 10200: missing on/);
    expect(m.message).toMatch(/ft_index0 \(1 key\)/);
    expect(m.message).toMatch(/ft_invidx \(2 keys\)/);
  });
});
