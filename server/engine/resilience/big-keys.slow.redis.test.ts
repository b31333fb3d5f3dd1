import { afterAll, afterEach, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { Redis } from "ioredis";
import { startRedis, stopAll, waitFor, type RedisNode } from "../../testing/redis-harness";
import { syncProcessPool } from "../../testing/sync-process";
import { peakRss } from "../../testing/resilience";
import { compareSides, describeDiff, endpointOf, waitCaughtUp } from "../../testing/sync-fixtures";

/**
 * Big keys: a list of 2M elements, a hash of 1M fields, a 256 MB string and a stream of 1M entries
 * with consumer groups, synchronized exactly (full compare), then changed through the incremental
 * phase. Reported, not asserted (timing targets live in the benchmark): the destination's worst PING
 * latency during the synchronization and the engine's peak RSS. The RSS bound catches a value held
 * several times over or a queue without back-pressure.
 */
const pool = syncProcessPool();
afterEach(pool.cleanup);
afterAll(stopAll);

const MB = 1024 * 1024;

async function fill(c: Redis): Promise<void> {
  for (let i = 0; i < 2_000_000; i += 100_000) {
    const p = c.pipeline();
    for (let j = i; j < i + 100_000; j += 1000) p.rpush("big:list", ...Array.from({ length: 1000 }, (_, k) => `e${j + k}`));
    await p.exec();
  }
  for (let i = 0; i < 1_000_000; i += 100_000) {
    const p = c.pipeline();
    for (let j = i; j < i + 100_000; j += 1000) p.hset("big:hash", Object.fromEntries(Array.from({ length: 1000 }, (_, k) => [`f${j + k}`, `v${j + k}`])));
    await p.exec();
  }
  // 1 MB of random bytes appended 256 times: LZF finds nothing to compress within its window
  const chunk = randomBytes(MB);
  await c.set("big:string", "");
  for (let i = 0; i < 256; i += 16) {
    const p = c.pipeline();
    for (let j = 0; j < 16; j++) p.append("big:string", chunk);
    await p.exec();
  }
  const xadd = "for i = 1, tonumber(ARGV[1]) do redis.call('XADD', KEYS[1], '*', 'n', ARGV[2] + i, 'payload', 'abcdefgh') end return 1";
  for (let i = 0; i < 1_000_000; i += 100_000) await c.eval(xadd, 1, "big:stream", 100_000, i);
  await c.xgroup("CREATE", "big:stream", "readers", "0");
  await c.xreadgroup("GROUP", "readers", "alice", "COUNT", 5000, "STREAMS", "big:stream", ">");
  await c.xreadgroup("GROUP", "readers", "bob", "COUNT", 3000, "STREAMS", "big:stream", ">");
  const pending = (await c.xrange("big:stream", "-", "+", "COUNT", 1000)).map(([id]) => id);
  await c.xack("big:stream", "readers", ...pending);
  await c.xgroup("CREATE", "big:stream", "latecomers", "$");
  await c.xgroup("CREATECONSUMER", "big:stream", "latecomers", "carol");
}

/** PINGs the destination every 10 ms on its own connection and keeps the slowest answer. */
class LatencyProbe {
  maxMs = 0;
  samples = 0;
  private running = true;
  private readonly done: Promise<void>;
  constructor(node: RedisNode) {
    const c = node.client();
    this.done = (async () => {
      while (this.running) {
        const t = performance.now();
        await c.ping();
        this.maxMs = Math.max(this.maxMs, performance.now() - t);
        this.samples++;
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
  }
  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}

describe("big keys", () => {
  it("a 2M list, a 1M hash, a 256 MB string and a 1M stream with groups: exact, destination responsive, engine memory bounded", async () => {
    const src = await startRedis();
    const dst = await startRedis();
    const c = src.client();
    const filledAt = performance.now();
    await fill(c);
    const fillMs = performance.now() - filledAt;
    await dst.client().call("SLOWLOG", "RESET");
    const probe = new LatencyProbe(dst);
    const p = pool.start(["--task", "big", "--skip-precheck", "--source", src.uri, "--target", dst.uri]);
    const startedAt = performance.now();
    let rss = 0;
    const sampler = setInterval(() => (rss = Math.max(rss, p.pid ? (peakRss(p.pid) ?? 0) : 0)), 250);
    try {
      await p.waitState("synchronizing", 600_000);
      const fullMs = performance.now() - startedAt;
      const fullLatency = probe.maxMs;

      // the big keys keep changing through the incremental phase
      await c.rpush("big:list", "tail-1", "tail-2");
      await c.lpop("big:list");
      await c.hset("big:hash", "f7", "changed", "new-field", "x");
      await c.hdel("big:hash", "f8");
      await c.append("big:string", randomBytes(MB));
      await c.setrange("big:string", 5, "overwritten");
      await c.xadd("big:stream", "*", "n", "late");
      await c.xreadgroup("GROUP", "latecomers", "carol", "COUNT", 1, "STREAMS", "big:stream", ">");
      await c.xtrim("big:stream", "MAXLEN", 999_990);
      await waitCaughtUp(p, [src], 120_000);
      await waitFor(() => (p.last?.shards[0]?.appliedOffset ?? 0) > 0, 1000, "applied offset");
      clearInterval(sampler);
      rss = Math.max(rss, p.pid ? (peakRss(p.pid) ?? 0) : 0);
      await probe.stop();

      const d = dst.client();
      // what the destination spent its slowest moments on (commands over 10 ms), before the compare reads
      const slow = ((await d.call("SLOWLOG", "GET", "128")) as Array<[number, number, number, Array<Buffer | string>]>)
        .sort((x, y) => y[2] - x[2])
        .slice(0, 5)
        .map(([, , us, argv]) => `${String(argv[0])} ${String(argv[1] ?? "").slice(0, 40)} ${(us / 1000).toFixed(0)} ms`)
        .join("; ");
      expect(await d.llen("big:list")).toBe(2_000_001);
      expect(await d.hlen("big:hash")).toBe(1_000_000);
      expect(await d.strlen("big:string")).toBe(257 * MB);
      expect(await d.xlen("big:stream")).toBe(999_990);
      const compareAt = performance.now();
      const r = await compareSides(endpointOf(src, "standalone"), endpointOf(dst, "standalone"));
      const compareMs = performance.now() - compareAt;
      expect(r.equal, describeDiff(r)).toBe(true);

      console.log(
        [
          `big keys: source filled in ${(fillMs / 1000).toFixed(1)} s (used_memory ${(Number(/used_memory:(\d+)/.exec(await c.info("memory"))?.[1]) / MB).toFixed(0)} MB)`,
          `full synchronization ${(fullMs / 1000).toFixed(1)} s; engine peak RSS ${(rss / MB).toFixed(0)} MB`,
          `destination max PING latency ${fullLatency.toFixed(1)} ms during the full sync, ${probe.maxMs.toFixed(1)} ms overall (${probe.samples} PINGs)`,
          `destination slowlog: ${slow || "(nothing over 10 ms)"}`,
          `full compare ${(compareMs / 1000).toFixed(1)} s`,
        ].join("\n"),
      );
      expect(rss).toBeGreaterThan(0);
      // 665-926 MB in seven runs here: the 257 MB string's carry-over buffers (doubled up to 256 MB,
      // then one of its own size, handed to the loader without a copy) live until V8 collects the
      // smaller ones, and when it does varies from run to run. The buffer sizes themselves are checked
      // exactly in rdb/carry-buffer.test.ts; this bound catches memory that grows with the data.
      expect(rss).toBeLessThan(1200 * MB);
    } finally {
      clearInterval(sampler);
      await probe.stop();
    }
  }, 900_000);
});
