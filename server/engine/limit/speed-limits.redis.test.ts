import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startRedis, stopAll, waitFor, type RedisNode } from "../../testing/redis-harness";
import { parseRedisUri } from "../endpoint";
import { SyncTask, type SyncStore } from "../sync/sync-task";
import type { ShardCheckpoint } from "../sync/shard-types";
import type { SpeedLimits } from "./speed-limiter";

/**
 * Issue 17's speed limits against real servers. The issue asks for rates, so this file measures
 * them, with margins: the full sync's load time at a keys/s limit (±10%, the issue's own figure:
 * the limit is an upper bound the load reaches easily on this machine unthrottled in about a
 * second), and the incremental apply rate before and after the limit is changed while running.
 */
afterAll(stopAll);

interface Logged {
  at: number;
  message: string;
}

function memoryStore(logs: Logged[]): SyncStore {
  const checkpoints: ShardCheckpoint[] = [];
  return {
    loadCheckpoints: async () => checkpoints.map((c) => ({ ...c })),
    saveCheckpoint: async (cp) => {
      const i = checkpoints.findIndex((c) => c.sourceNode === cp.sourceNode);
      if (i >= 0) checkpoints[i] = { ...cp };
      else checkpoints.push({ ...cp });
    },
    log: (_level, message) => logs.push({ at: performance.now(), message }),
  };
}

function startTask(src: RedisNode, dst: RedisNode, limits: SpeedLimits, logs: Logged[]) {
  const spoolDir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-limits-"));
  const task = new SyncTask(
    { taskId: "limits", source: parseRedisUri(src.uri, "standalone"), target: parseRedisUri(dst.uri, "standalone"), dbMap: new Map(), conflict: "ignore", initialSync: "full_and_incremental", spoolDir, limits },
    memoryStore(logs),
  );
  const running = task.run();
  return {
    task,
    async stop() {
      task.stop();
      await running;
      rmSync(spoolDir, { recursive: true, force: true });
    },
  };
}

const at = (logs: Logged[], text: string) => logs.find((l) => l.message.includes(text))?.at;

describe("speed limits", () => {
  it("a full sync of 50k keys at 10k keys/s loads in 5 s ± 10%, and the status says the limit holds it back", async () => {
    const src = await startRedis();
    const dst = await startRedis();
    const c = src.client();
    for (let b = 0; b < 50; b++) {
      const p = c.pipeline();
      for (let i = 0; i < 1000; i++) p.set(`k:${b}:${i}`, `v${i}`);
      await p.exec();
    }
    const logs: Logged[] = [];
    const run = startTask(src, dst, { keysPerSec: 10_000 }, logs);
    try {
      let throttled: string | undefined;
      await waitFor(() => {
        throttled ??= run.task.snapshot().throttled;
        return at(logs, "full synchronization done") !== undefined;
      }, 30_000, "the full sync's end");
      const seconds = (at(logs, "full synchronization done")! - at(logs, "full synchronization started")!) / 1000;
      console.log(`full sync of 50000 keys at 10000 keys/s: ${seconds.toFixed(2)} s`);
      expect(seconds).toBeGreaterThan(4.5);
      expect(seconds).toBeLessThan(5.5);
      expect(throttled).toBe("throttled by limit: 10000 keys/s");
      expect(await dst.client().dbsize()).toBeGreaterThanOrEqual(50_000);
    } finally {
      await run.stop();
    }
  });

  it("a commands/s limit changed while the task runs takes effect: the apply rate follows it", async () => {
    const src = await startRedis();
    const dst = await startRedis();
    const c = src.client();
    const logs: Logged[] = [];
    const run = startTask(src, dst, { cmdsPerSec: 1000 }, logs);
    try {
      await waitFor(() => run.task.snapshot().state === "synchronizing", 30_000, "synchronizing");
      // far more than either limit lets through in the windows below: the spool holds the rest
      for (let b = 0; b < 30; b++) {
        const p = c.pipeline();
        for (let i = 0; i < 1000; i++) p.set(`w:${b}:${i}`, "x");
        await p.exec();
      }
      const rate = async (ms: number) => {
        const a = await dst.client().dbsize();
        const t0 = performance.now();
        await new Promise((r) => setTimeout(r, ms));
        return ((await dst.client().dbsize()) - a) / ((performance.now() - t0) / 1000);
      };
      await new Promise((r) => setTimeout(r, 300));
      const before = await rate(2000);
      expect(run.task.snapshot().throttled).toBe("throttled by limit: 1000 commands/s");
      run.task.setLimits({ cmdsPerSec: 5000 });
      await new Promise((r) => setTimeout(r, 200));
      const after = await rate(2000);
      console.log(`apply rate at 1000 commands/s: ${before.toFixed(0)}/s; after the change to 5000: ${after.toFixed(0)}/s`);
      expect(before).toBeGreaterThan(700);
      expect(before).toBeLessThan(1300);
      // The old limit lets at most 1000/s and a burst of 100 through in 2 s (1050/s): 1500/s is out of
      // its reach whatever the machine does. Reaching 5000/s needs the CPU, which a busy CI machine
      // (the suite beside the browser walks on 2 cores) did not give: 1990/s there, 4993/s alone.
      expect(after).toBeGreaterThan(1500);
      expect(after).toBeLessThan(6000);
      expect(logs.some((l) => l.message === "speed limit changed to 5000 commands/s (was 1000 commands/s)")).toBe(true);
      // the source never dropped the engine: one full sync, no reconnection
      expect(logs.filter((l) => l.message.includes("full synchronization started")).length).toBe(1);
    } finally {
      await run.stop();
    }
  });
});
