import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMasterReplica, startRedis, stopAll, type RedisNode, type MasterReplica } from "../../../testing/redis-harness";
import { endpointOf, item, precheck } from "../test-pair";
import { recommendedBacklog } from "./backlog";

let pair: MasterReplica;
let quiet: RedisNode;
let target: RedisNode;

beforeAll(async () => {
  // A replica keeps the backlog active, so the rate comes from master_repl_offset.
  pair = await startMasterReplica(1, { config: { "repl-backlog-size": "16kb" } });
  quiet = await startRedis({ config: { "repl-timeout": "10" } });
  target = await startRedis();
}, 60_000);
afterAll(stopAll);

/** Writes ~64 KiB values as fast as one connection can until stopped. */
function writeLoad(node: RedisNode): { stop(): Promise<number> } {
  const c = node.client();
  const value = "w".repeat(64 * 1024);
  let running = true;
  let n = 0;
  const loop = (async () => {
    while (running) await c.set(`load:${n++ % 50}`, value);
  })();
  return { stop: async () => { running = false; await loop; return n; } };
}

describe("source_backlog", () => {
  it("passes a quiet source, with the figures", async () => {
    const b = item(await precheck({ source: endpointOf(pair.master), target: endpointOf(target), sampleMs: 300 }), "source_backlog");
    expect(b.status).toBe("passed");
    expect(b.message).toMatch(/repl-backlog-size 16\.0 KiB, writes ~\d+ B\/s, repl-timeout 60 s/);
  });

  it("warns with a recommended size when writes during the sample outgrow the backlog", async () => {
    const load = writeLoad(pair.master);
    try {
      const b = item(await precheck({ source: endpointOf(pair.master), target: endpointOf(target), sampleMs: 800 }), "source_backlog");
      expect(b.status).toBe("warning");
      expect(b.message).toMatch(/^The backlog holds less than 60 s of writes \(sampled over 800 ms\) on 127\.0\.0\.1:\d+: repl-backlog-size 16\.0 KiB, writes ~[\d.]+ [KM]iB\/s/);
      const rec = /Set repl-backlog-size to ([\d.]+) (MiB|GiB) or more .*CONFIG SET repl-backlog-size (\d+)mb/.exec(b.fix);
      expect(rec, b.fix).not.toBeNull();
      expect(Number(rec![3])).toBeGreaterThanOrEqual(16);
      expect(b.fix).toMatch(/repl-timeout/);
    } finally {
      expect(await load.stop()).toBeGreaterThan(0);
    }
  });

  it("warns about a short repl-timeout", async () => {
    const b = item(await precheck({ source: endpointOf(quiet), target: endpointOf(target), sampleMs: 200 }), "source_backlog");
    expect(b.status).toBe("warning");
    expect(b.message).toMatch(/^The repl-timeout is short on 127\.0\.0\.1:\d+: .*repl-timeout 10 s/);
    expect(b.fix).toMatch(/CONFIG SET repl-timeout 60/);
  });

  it("deferred, it is left out of the verdict, which does not wait for its sample, and arrives in `later`", async () => {
    let sampled = false;
    const r = await precheck({ source: endpointOf(quiet), target: endpointOf(target), sampleMs: 1500, deferred: ["source_backlog"] });
    const later = r.later!.then((items) => ((sampled = true), items));
    expect(sampled).toBe(false);
    expect(r.items.map((i) => i.id)).not.toContain("source_backlog");
    expect(r.items.length).toBeGreaterThan(10);
    expect(r.passed).toBe(true);
    const items = await later;
    expect(items.map((i) => [i.id, i.status])).toEqual([["source_backlog", "warning"]]);
    expect(items[0].message).toMatch(/sampled over|repl-timeout is short/);
  });

  it("recommends a power of two MiB holding 300 s of writes", () => {
    expect(recommendedBacklog(0)).toBe(1024 * 1024);
    expect(recommendedBacklog(100 * 1024)).toBe(32 * 1024 * 1024); // 29.3 MiB → 32
  });
});
