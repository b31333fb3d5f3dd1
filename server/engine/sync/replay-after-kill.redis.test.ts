import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { startCluster, startRedis, stopAll, waitFor, type RedisClusterHandle, type RedisNode } from "../../testing/redis-harness";
import { syncProcessPool, type SyncProcess } from "../../testing/sync-process";
import { compareSides, describeDiff, endpointOf, waitCaughtUp } from "../../testing/sync-fixtures";
import { caughtUp, synchronizing } from "../../testing/fuzz/sync-waits";
import { storedCheckpoints } from "../../testing/resilience";
import { enabledFixes, type SwitchName } from "../../testing/fuzz/profiles";

/**
 * Hand-written reproductions of what the fuzz soak found when it killed the engine (kill -9): in the
 * incremental phase of a standalone source → cluster destination task, the restart replays the
 * stream from the last checkpoint, and some writes that had already run were applied again; during
 * the full sync, the restart's new full sync kept what the first attempt had loaded.
 * Each case kills the engine after its commands reached the destination and before the next
 * checkpoint (it checks that, and tries again otherwise), so the replay surely covers them.
 * Those that wait on an engine fix run when its switch is on (profiles.ts LANDED_FIXES, or
 * REDIS_DTS_FUZZ_WITH=name for a fix in progress).
 */

const pool = syncProcessPool();
afterEach(pool.cleanup);
afterAll(stopAll);
const on = (s: SwitchName) => enabledFixes().includes(s);

interface Setup {
  src: RedisNode;
  dst: RedisClusterHandle;
  c: Redis;
  args: string[];
  sync: SyncProcess;
}

async function setup(task: string): Promise<Setup> {
  const src = await startRedis({ config: { "repl-backlog-size": "64mb" } });
  const dst = await startCluster({ masters: 3 });
  const args = ["--task", task, "--skip-precheck", "--source", src.uri, "--target", dst.uri, "--target-mode", "cluster"];
  const sync = pool.start(args);
  await sync.waitState("synchronizing");
  return { src, dst, c: src.client(), args, sync };
}

/**
 * Runs `write` right after a checkpoint was stored, waits until `applied()` sees its effect on the
 * destination, and kills the engine; true when no newer checkpoint was stored by then (the replay
 * will cover the writes), or none past `coveredUpTo()` when given (a replication offset: the replay
 * then covers the writes after it).
 */
async function writeThenKill(s: Setup, task: string, write: () => Promise<void>, applied: () => Promise<boolean>, coveredUpTo?: () => number): Promise<boolean> {
  const last = () => storedCheckpoints(s.sync.dataDir, task).find((c) => c.phase === "incremental")?.offset ?? -1;
  const before = last();
  await waitFor(() => last() > before, 10_000, "a new checkpoint", 5);
  const at = last();
  await write();
  await waitFor(applied, 10_000, "the writes on the destination", 5);
  await s.sync.kill();
  return coveredUpTo ? last() <= coveredUpTo() : last() === at;
}

async function replOffset(c: Redis): Promise<number> {
  return Number(/master_repl_offset:(\d+)/.exec(String(await c.info("replication")))?.[1] ?? -1);
}

async function restartAndCompare(s: Setup): Promise<void> {
  const again = pool.start(s.args, s.sync.dataDir);
  await synchronizing(again, 60_000);
  await caughtUp(again, [s.src], 60_000);
  // the default policy pauses at a refused write: nothing the replay sends may count as one
  expect(again.last?.divergence, JSON.stringify(again.last?.divergence)).toMatchObject({ refused: 0, inexact: 0 });
  const r = await compareSides(endpointOf(s.src, "standalone"), endpointOf(s.dst, "cluster"));
  expect(r.equal, describeDiff(r)).toBe(true);
}

describe("a full sync run again after kill -9", () => {
  it.runIf(on("fullSyncRerunFunctions"))("does not keep a Functions library the source deleted meanwhile", async () => {
    const src = await startRedis();
    const dst = await startRedis();
    const c = src.client();
    await c.call("FUNCTION", "LOAD", "#!lua name=gone\nredis.register_function('gone_f', function() return 1 end)");
    for (let i = 0; i < 300_000; i += 10_000) {
      const p = c.pipeline();
      for (let j = i; j < i + 10_000; j++) p.set(`k:${j}`, `v${j}`);
      await p.exec();
    }
    const args = ["--task", "fnrerun", "--skip-precheck", "--source", src.uri, "--target", dst.uri];
    const first = pool.start(args);
    const d = dst.client();
    // libraries come first in the RDB: the kill lands while the keys still load
    await waitFor(async () => ((await d.call("FUNCTION", "LIST")) as unknown[]).length > 0, 30_000, "the library on the destination", 5);
    expect(first.last?.fullSync.done ?? false).toBe(false);
    await first.kill();
    await c.call("FUNCTION", "DELETE", "gone");
    const second = pool.start(args, first.dataDir);
    await synchronizing(second, 120_000);
    await caughtUp(second, [src], 60_000);
    const r = await compareSides(endpointOf(src, "standalone"), endpointOf(dst, "standalone"));
    expect(r.equal, describeDiff(r)).toBe(true);
  }, 180_000);
});

describe("a replay after kill -9 applies nothing twice (standalone source → cluster destination)", () => {
  it.runIf(on("flushReplay"))("a key written before a FLUSHALL does not come back", async () => {
    for (let attempt = 0; ; attempt++) {
      const s = await setup(`flush-${attempt}`);
      const dc = s.dst.client();
      let flushed = -1;
      // the engine stores a checkpoint at the flush itself: the replay covers what came after it
      const ok = await writeThenKill(s, `flush-${attempt}`, async () => {
        await s.c.set("before-flush", "1"); // its slot gets no fence after the flush
        await s.c.flushall();
        flushed = await replOffset(s.c);
        await s.c.incr("{after}counter"); // a fenced write: its fence is newer than the flush
      }, async () => (await dc.get("{after}counter")) === "1", () => flushed);
      if (!ok && attempt < 4) continue;
      expect(ok, "the kill came before the next checkpoint").toBe(true);
      await restartAndCompare(s);
      expect(await dc.exists("before-flush")).toBe(0);
      return;
    }
  }, 180_000);

  it.runIf(on("emulationReplay"))("a RENAME across slots runs once (its second run finds no key and fails the task)", async () => {
    for (let attempt = 0; ; attempt++) {
      const s = await setup(`rename-${attempt}`);
      const dc = s.dst.client();
      await s.c.set("from", "v");
      await waitCaughtUp(s.sync, [s.src]);
      const ok = await writeThenKill(s, `rename-${attempt}`, async () => {
        await s.c.rename("from", "to"); // slots differ: emulated by DUMP / RESTORE / DEL
      }, async () => (await dc.get("to")) === "v");
      if (!ok && attempt < 4) continue;
      expect(ok, "the kill came before the next checkpoint").toBe(true);
      await restartAndCompare(s);
      return;
    }
  }, 180_000);

  it.runIf(on("emulationReplay"))("an RPOPLPUSH across slots pops once (a second run pops again, silently)", async () => {
    for (let attempt = 0; ; attempt++) {
      const s = await setup(`rpoplpush-${attempt}`);
      const dc = s.dst.client();
      await s.c.rpush("list-a", "1", "2", "3");
      await waitCaughtUp(s.sync, [s.src]);
      const ok = await writeThenKill(s, `rpoplpush-${attempt}`, async () => {
        await s.c.rpoplpush("list-a", "list-b"); // slots differ: emulated by RPOP + LPUSH
      }, async () => (await dc.llen("list-b")) === 1);
      if (!ok && attempt < 4) continue;
      expect(ok, "the kill came before the next checkpoint").toBe(true);
      await restartAndCompare(s);
      expect(await dc.lrange("list-a", 0, -1)).toEqual(["1", "2"]);
      return;
    }
  }, 180_000);

  it("a pending entry claimed, then deleted from its stream, stays pending (XCLAIM is not sent again)", async () => {
    for (let attempt = 0; ; attempt++) {
      const s = await setup(`xclaim-${attempt}`);
      const dc = s.dst.client();
      await s.c.xadd("claims", "1-1", "f", "v");
      await s.c.xgroup("CREATE", "claims", "g", "0");
      await waitCaughtUp(s.sync, [s.src]);
      const ok = await writeThenKill(s, `xclaim-${attempt}`, async () => {
        await s.c.xreadgroup("GROUP", "g", "alice", "STREAMS", "claims", ">"); // replicated as XCLAIM
        await s.c.xdel("claims", "1-1"); // the entry goes, its pending entry stays
        await s.c.set("{marker}done", "1");
      }, async () => (await dc.get("{marker}done")) === "1");
      if (!ok && attempt < 4) continue;
      expect(ok, "the kill came before the next checkpoint").toBe(true);
      // an XCLAIM of a deleted entry removes it from the PEL: sent again, it would drop alice's entry
      await restartAndCompare(s);
      expect(await dc.xpending("claims", "g")).toEqual(await s.c.xpending("claims", "g"));
      return;
    }
  }, 180_000);

  it.runIf(on("replayRefusals"))("an XADD and an XGROUP CREATE sent again by the replay are not refused writes (no pause)", async () => {
    for (let attempt = 0; ; attempt++) {
      const s = await setup(`xadd-${attempt}`);
      const dc = s.dst.client();
      const ok = await writeThenKill(s, `xadd-${attempt}`, async () => {
        await s.c.xadd("replayed-stream", "*", "f", "v"); // replicated with its ID: replay-safe, not fenced
        await s.c.xgroup("CREATE", "replayed-stream", "g", "$");
        await s.c.set("{marker}done", "1");
      }, async () => (await dc.get("{marker}done")) === "1");
      if (!ok && attempt < 4) continue;
      expect(ok, "the kill came before the next checkpoint").toBe(true);
      await restartAndCompare(s);
      return;
    }
  }, 180_000);

  it.runIf(on("publishReplay"))("a PUBLISH is not delivered twice", async () => {
    for (let attempt = 0; ; attempt++) {
      const s = await setup(`pub-${attempt}`);
      const sub = s.dst.nodes[0].client();
      const got: string[] = [];
      sub.on("message", (_ch: string, m: string) => got.push(m));
      await sub.subscribe("replayed");
      const ok = await writeThenKill(s, `pub-${attempt}`, async () => {
        await s.c.publish("replayed", "once");
      }, async () => got.length === 1);
      if (!ok && attempt < 4) continue;
      expect(ok, "the kill came before the next checkpoint").toBe(true);
      const again = pool.start(s.args, s.sync.dataDir);
      await synchronizing(again, 60_000);
      await caughtUp(again, [s.src], 60_000);
      await s.c.publish("replayed", "after");
      await waitFor(() => got.includes("after"), 10_000, "the message after the restart");
      expect(got).toEqual(["once", "after"]);
      return;
    }
  }, 180_000);
});


