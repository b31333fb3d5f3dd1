import { afterAll, describe, expect, it } from "vitest";
import { startRedis, stopAll } from "../../../testing/redis-harness";
import { endpointOf, item, precheck } from "../test-pair";

/** The precheck items of issue 17 against a real source: the key filter on a sample, a limit below the write rate. */
afterAll(stopAll);

describe("precheck: key_filter and speed_limits", () => {
  it("warns about a pattern that matches none of the sampled keys, naming the sample's size", async () => {
    const source = await startRedis();
    const target = await startRedis();
    const p = source.client().pipeline();
    for (let i = 0; i < 100; i++) p.set(`user:${i}`, "v");
    await p.exec();
    const ok = item(await precheck({ source: endpointOf(source), target: endpointOf(target), keyFilter: { include: ["user:*"], exclude: ["user:1*"] } }), "key_filter");
    expect(ok.status).toBe("passed");
    expect(ok.message).toBe("89 keys of 100 sampled match the filter");
    const typo = item(await precheck({ source: endpointOf(source), target: endpointOf(target), keyFilter: { include: ["usr:*"], exclude: [] } }), "key_filter");
    expect(typo.status).toBe("warning");
    expect(typo.message).toContain("include usr:* matches none of 100 sampled keys");
    const none = item(await precheck({ source: endpointOf(source), target: endpointOf(target) }), "key_filter");
    expect(none).toMatchObject({ status: "passed", message: "No key filter: every key is synchronized" });
  });

  it("warns when the commands/s limit is below the source's recent write rate", async () => {
    const source = await startRedis();
    const target = await startRedis();
    const c = source.client();
    // a steady write load for a while, so INFO's instantaneous_ops_per_sec (a 1.6 s window) shows it
    const until = Date.now() + 2500;
    let i = 0;
    while (Date.now() < until) {
      const p = c.pipeline();
      for (let j = 0; j < 200; j++) p.set(`w:${i++ % 1000}`, "x");
      await p.exec();
    }
    const low = item(await precheck({ source: endpointOf(source), target: endpointOf(target), limits: { cmdsPerSec: 10 } }), "speed_limits");
    expect(low.status).toBe("warning");
    expect(low.message).toMatch(/The commands\/s limit \(10\) is below the source's recent rate of \d+ operations\/s/);
    expect(low.fix).toContain("--max-cmds-per-sec");
    const high = item(await precheck({ source: endpointOf(source), target: endpointOf(target), limits: { keysPerSec: 5000, cmdsPerSec: 1e8 } }), "speed_limits");
    expect(high.status).toBe("passed");
    expect(high.message).toMatch(/^Speed limit: 5000 keys\/s, 100000000 commands\/s; the source's recent rate is \d+ operations\/s$/);
  });
});
