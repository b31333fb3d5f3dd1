import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startRedis, stopAll } from "../../testing/redis-harness";
import { syncProcessPool } from "../../testing/sync-process";
import { storedEvents } from "../../testing/resilience";

/**
 * SIGTERM ends a `sync` within a few seconds whatever the destination's state: with the destination
 * down, what it cannot deliver stays behind the last acknowledged checkpoint (a resume sends it again),
 * and the process says the state it stopped in.
 */
const pool = syncProcessPool();
afterEach(pool.cleanup);
afterAll(stopAll);

describe("stopping with the destination down", () => {
  it("SIGTERM ends sync within seconds, paused, the last acknowledged checkpoint kept; a resume delivers the rest", async () => {
    const src = await startRedis();
    const dst = await startRedis();
    const c = src.client();
    await c.set("before", "1");
    const p = pool.start(["--task", "down", "--skip-precheck", "--source", src.uri, "--target", dst.uri]);
    await p.waitState("synchronizing");
    await dst.kill();
    await c.set("while-down", "1");
    await new Promise((r) => setTimeout(r, 1500));

    // not a timing measurement: a stop that does not finish at all is what this catches
    const code = await Promise.race([p.stop(), new Promise<string>((r) => setTimeout(() => r("still running 20 s after SIGTERM"), 20_000))]);
    expect(code, p.stderr.slice(-2000)).toBe(0);
    expect(p.last?.state).toBe("paused");
    expect(storedEvents(p.dataDir, "down").some((e) => /task paused/.test(e.message))).toBe(true);

    await dst.restart();
    const again = pool.start(["--task", "down", "--skip-precheck", "--source", src.uri, "--target", dst.uri], p.dataDir);
    await again.waitState("synchronizing");
    const d = dst.client();
    await new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 30_000;
      const poll = async () => {
        if ((await d.get("while-down")) === "1") return resolve();
        if (Date.now() > deadline) return reject(new Error("write made while the destination was down never arrived"));
        setTimeout(poll, 100);
      };
      void poll();
    });
  });
});
