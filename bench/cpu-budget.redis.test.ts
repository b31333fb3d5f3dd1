import { afterAll, describe, expect, it } from "vitest";
import { Deployment } from "./deployment";
import { startCpuBudget } from "./cpu-budget";
import { stopAll } from "../server/testing/redis-harness";

afterAll(stopAll);

/** The budget counts a real fork child of the source (a BGSAVE), once it is reaped, and the machine's CPU. */
describe("cpu-budget against redis-server", () => {
  it("counts the source's fork child after it ends, and this process's own busy loop in the machine's CPU", async () => {
    const source = await Deployment.standalone({ "enable-debug-command": "yes", rdbcompression: "yes" });
    try {
      const c = source.conns[0];
      await c.call("DEBUG", "POPULATE", "300000", "k", "200");
      // a slow host under load: the child may take seconds; the bench itself waits 5 s
      const budget = startCpuBudget(source, 30_000)!;
      expect(budget).not.toBeNull();
      await c.call("BGSAVE");
      // ~0.3 s of CPU here, whatever the fork does
      const until = Date.now() + 300;
      let n = 0;
      while (Date.now() < until) n++;
      const b = (await budget.end())!;
      expect(n).toBeGreaterThan(0);
      expect((await c.info("persistence")).includes("rdb_bgsave_in_progress:0")).toBe(true);
      // 300k keys of 200 bytes through LZF and CRC: tens of ms at least, counted only once reaped
      expect(b.sourceChildMs).toBeGreaterThanOrEqual(30);
      expect(b.machineBusyMs).toBeGreaterThanOrEqual(250);
      expect(b.machineBusyMs).toBeLessThanOrEqual(b.wallMs * b.cores + 50);
      expect(b.cores).toBeGreaterThanOrEqual(1);
      // without a fork, nothing is counted for the child
      const idle = startCpuBudget(source)!;
      await c.ping();
      expect((await idle.end())!.sourceChildMs).toBe(0);
    } finally {
      await source.stop();
    }
  }, 60_000);
});
