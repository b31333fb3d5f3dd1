import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, stopAll, info, type RedisNode } from "../../../testing/redis-harness";
import { parseInfo, infoNumber } from "../../topology";
import { endpointOf, item, precheck } from "../test-pair";

let source: RedisNode;
let target: RedisNode;
let dataSize: number;

beforeAll(async () => {
  source = await startRedis();
  target = await startRedis();
  const c = source.client();
  const value = "v".repeat(4096);
  for (let i = 0; i < 1500; i++) await c.set(`big:${i}`, value); // ~6 MiB of data
  dataSize = infoNumber(parseInfo(await info(source, "memory")), "used_memory_dataset")!;
}, 60_000);
afterAll(stopAll);

async function targetUsed(): Promise<number> {
  return infoNumber(parseInfo(await info(target, "memory")), "used_memory")!;
}

describe("target_capacity", () => {
  it("passes without maxmemory, showing the figures", async () => {
    await target.client().config("SET", "maxmemory", "0");
    const c = item(await precheck({ source: endpointOf(source), target: endpointOf(target) }), "target_capacity");
    expect(c.status).toBe("passed");
    expect(c.message).toMatch(/no maxmemory limit \(it uses [\d.]+ [KM]iB; the source holds [\d.]+ MiB of data\)/);
  });

  it("fails when maxmemory minus used is smaller than the source's data", async () => {
    await target.client().config("SET", "maxmemory", String((await targetUsed()) + Math.floor(dataSize / 2)));
    const c = item(await precheck({ source: endpointOf(source), target: endpointOf(target) }), "target_capacity");
    expect(c.status).toBe("failed");
    expect(c.message).toMatch(/^The source holds [\d.]+ MiB of data, more than the destination can take: 127\.0\.0\.1:\d+: [\d.]+ MiB free \(maxmemory [\d.]+ MiB − used [\d.]+ [KM]iB\)/);
    expect(c.fix).toMatch(/maxmemory/);
  });

  it("warns when the room left is under 20% more than the data", async () => {
    await target.client().config("SET", "maxmemory", String((await targetUsed()) + Math.floor(dataSize * 1.1)));
    const c = item(await precheck({ source: endpointOf(source), target: endpointOf(target) }), "target_capacity");
    expect(c.status).toBe("warning");
    expect(c.message).toMatch(/less than 20% to spare/);
  });

  it("passes with enough room", async () => {
    await target.client().config("SET", "maxmemory", String((await targetUsed()) + dataSize * 3));
    const c = item(await precheck({ source: endpointOf(source), target: endpointOf(target) }), "target_capacity");
    expect(c.status).toBe("passed");
    expect(c.message).toMatch(/the destination has room: .*free \(maxmemory/);
    await target.client().config("SET", "maxmemory", "0");
  });
});

describe("target_eviction", () => {
  it("warns on allkeys-lru, passes on noeviction", async () => {
    await target.client().config("SET", "maxmemory-policy", "allkeys-lru");
    const lru = item(await precheck({ source: endpointOf(source), target: endpointOf(target) }), "target_eviction");
    expect(lru.status).toBe("warning");
    expect(lru.message).toMatch(/^The eviction policy \(maxmemory-policy\) is allkeys-lru on 127\.0\.0\.1:\d+: .*inconsistent/);
    expect(lru.fix).toMatch(/CONFIG SET maxmemory-policy noeviction/);
    await target.client().config("SET", "maxmemory-policy", "noeviction");
    const ok = item(await precheck({ source: endpointOf(source), target: endpointOf(target) }), "target_eviction");
    expect(ok.status).toBe("passed");
  });
});
