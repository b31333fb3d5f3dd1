import { afterAll, afterEach, describe, expect, it } from "vitest";
import calculateSlot from "cluster-key-slot";
import type { Redis } from "ioredis";
import { startCluster, startRedis, stopAll, waitFor, type RedisNode } from "../../testing/redis-harness";
import { syncProcessPool } from "../../testing/sync-process";
import { compareSides, describeDiff, endpointOf, seedData, syncStats, waitCaughtUp } from "../../testing/sync-fixtures";

/**
 * Issue 12's cases against real servers: a refused write pauses the task at that write and a resume
 * after the fix applies it exactly once; errors inside EXEC are refusals; transactions over several
 * slots of one destination node; FLUSHALL on one master of a source cluster; the same Functions
 * library on every source master.
 */
const pool = syncProcessPool();
afterEach(pool.cleanup);
afterAll(stopAll);

/** the address of the master of `node`'s cluster that owns `slot` */
async function ownerOf(c: Redis, slot: number): Promise<string> {
  const slots = (await c.cluster("SLOTS")) as unknown as Array<[number, number, [string, number]]>;
  const hit = slots.find(([a, b]) => slot >= a && slot <= b)!;
  return `${hit[2][0]}:${hit[2][1]}`;
}

/** `n` keys in different slots that one master of the cluster owns */
async function keysOnOneNode(c: Redis, n: number, prefix: string): Promise<string[]> {
  const first = `${prefix}0`;
  const node = await ownerOf(c, calculateSlot(first));
  const out = [first];
  const slots = new Set([calculateSlot(first)]);
  for (let i = 1; out.length < n; i++) {
    const k = `${prefix}${i}`;
    const s = calculateSlot(k);
    if (!slots.has(s) && (await ownerOf(c, s)) === node) {
      out.push(k);
      slots.add(s);
    }
  }
  return out;
}

async function functionsOf(nodes: RedisNode[]): Promise<string[]> {
  const out: string[] = [];
  for (const n of nodes) {
    const c = n.client();
    const libs = (await c.call("FUNCTION", "LIST", "WITHCODE")) as unknown[][];
    out.push(JSON.stringify(libs.map((l) => [l[1], l[l.length - 1]]).sort()));
  }
  return out;
}

describe("nothing diverges silently", () => {
  it("a refused write pauses the task at it (exit 4, named in --json); after the fix a resume applies it once", async () => {
    const src = await startRedis();
    const dst = await startRedis();
    const c = src.client();
    const args = ["--task", "refusal", "--skip-precheck", "--source", src.uri, "--target", dst.uri];
    const p = pool.start(args);
    await p.waitState("synchronizing");
    for (let i = 0; i < 3; i++) await c.incr("counter");
    await c.rpush("log", "a");
    await waitCaughtUp(p, [src]);
    // someone writes into the destination: the next write of the source to that key is refused
    await dst.client().rpush("x", "not-a-number");
    await c.incr("x");
    await c.incr("counter");
    await c.rpush("log", "b");
    expect(await p.exited(30_000)).toBe(4);
    expect(p.last?.state).toBe("paused");
    expect(p.last?.divergence).toMatchObject({ policy: "pause", refused: 1, inexact: 0, recent: [{ kind: "refused", command: "INCR", keys: ["x"], db: 0 }] });
    expect(p.last?.divergence.recent[0].reason).toMatch(/WRONGTYPE/);
    expect(p.last?.error).toMatch(/paused at a refused or inexact write: the destination refused INCR x \(db 0\): WRONGTYPE/);
    // the operator fixes the cause and runs the same task again: it continues from the refused write
    await dst.client().del("x");
    const again = pool.start(args, p.dataDir);
    await again.waitState("synchronizing");
    await waitCaughtUp(again, [src]);
    const r = await compareSides(endpointOf(src, "standalone"), endpointOf(dst, "standalone"));
    expect(r.equal, describeDiff(r)).toBe(true);
    expect(await dst.client().get("counter")).toBe("4");
    expect(await dst.client().lrange("log", 0, -1)).toEqual(["a", "b"]);
    expect((await syncStats(src)).full).toBe(1);
  });

  it("MOVE of a key from a database that is not synchronized is reported, pausing the task by default", async () => {
    const src = await startRedis();
    const dst = await startRedis();
    const c = src.client();
    const p = pool.start(["--task", "move-in", "--skip-precheck", "--dbs", "0", "--source", src.uri, "--target", dst.uri]);
    await p.waitState("synchronizing");
    await c.select(1);
    await c.set("m", "from-db-1");
    await c.move("m", 0);
    await c.select(0);
    expect(await p.exited(30_000)).toBe(4);
    expect(p.last?.divergence).toMatchObject({ inexact: 1, refused: 0, recent: [{ kind: "inexact", command: "MOVE", keys: ["m"], db: 1 }] });
    expect(p.last?.divergence.haltedBy).toMatch(/MOVE m \(db 1\) cannot be applied exactly/);
  });

  it("a command that fails inside EXEC on the destination is a refusal, recorded under the skip policy", async () => {
    const src = await startRedis();
    const dst = await startRedis();
    const c = src.client();
    const p = pool.start(["--task", "exec-inner", "--skip-precheck", "--on-inexact", "skip", "--source", src.uri, "--target", dst.uri]);
    await p.waitState("synchronizing");
    await dst.client().rpush("n", "list");
    await c.multi().set("y", "1").incr("n").set("z", "2").exec();
    await c.set("after", "1");
    await waitCaughtUp(p, [src]);
    await waitFor(() => (p.last?.divergence.refused ?? 0) === 1, 10_000, "the refusal in the status");
    expect(p.last?.state).toBe("synchronizing");
    expect(p.last?.divergence.recent[0]).toMatchObject({ kind: "refused", command: "EXEC" });
    expect(p.last?.divergence.recent[0].reason).toMatch(/inside EXEC: WRONGTYPE/);
    expect(await dst.client().mget("y", "z", "after")).toEqual(["1", "2", "1"]);
    // stopped after a skipped write: not a clean run (one exit policy with rdb load)
    expect(await p.stop()).toBe(1);
    expect(p.stderr.trim().split("\n").pop()).toBe(
      "redis-dts sync: not everything was written: 1 writes refused by the destination, 0 not applied exactly (their keys are in the task's events; Data Verification checks them first); --skip-unsupported accepts that and exits 0",
    );
    const accepted = pool.start(["--task", "exec-inner-2", "--skip-precheck", "--on-inexact", "skip", "--skip-unsupported", "--conflict", "ignore", "--source", src.uri, "--target", dst.uri]);
    await accepted.waitState("synchronizing");
    await dst.client().del("n");
    await dst.client().rpush("n", "list");
    await c.multi().set("y", "3").incr("n").exec();
    await waitFor(() => (accepted.last?.divergence.refused ?? 0) === 1, 10_000, "the refusal in the status");
    expect(await accepted.stop()).toBe(0);
  });
});

describe("exact where it is possible", () => {
  it("standalone → cluster: MULTI/EXEC and scripts over several slots of one destination node arrive whole", async () => {
    const src = await startRedis();
    const dst = await startCluster({ masters: 3 });
    const c = src.client();
    const keys = await keysOnOneNode(dst.client() as unknown as Redis, 4, "tx:");
    const p = pool.start(["--task", "tx-slots", "--skip-precheck", "--source", src.uri, "--target", dst.uri, "--target-mode", "cluster"]);
    await p.waitState("synchronizing");
    for (let i = 0; i < 20; i++) {
      await c.multi().incr(keys[0]).hincrby(keys[1], "f", 2).rpush(keys[2], String(i)).set(keys[3], String(i), "PX", 600_000).exec();
      // Redis 7 replicates a script's effects as MULTI/EXEC
      await c.eval("redis.call('INCR', KEYS[1]); redis.call('HSET', KEYS[2], ARGV[1], ARGV[1]); redis.call('PEXPIRE', KEYS[3], 900000)", 3, keys[0], keys[1], keys[2], `g${i}`);
    }
    await waitCaughtUp(p, [src]);
    const r = await compareSides(endpointOf(src, "standalone"), endpointOf(dst, "cluster"));
    expect(r.equal, describeDiff(r)).toBe(true);
    expect(p.last?.divergence).toMatchObject({ refused: 0, inexact: 0 });
    expect(await dst.client().get(keys[0])).toBe("40");
  });

  it("cluster → cluster: FLUSHALL on one source master empties only that master's slots, also through a kill -9 and resume", async () => {
    const src = await startCluster({ masters: 3 });
    const dst = await startCluster({ masters: 3 });
    const c = src.client();
    await seedData(c, "a:", 600);
    const args = ["--task", "flush-one", "--skip-precheck", "--source", src.uri, "--source-mode", "cluster", "--target", dst.uri, "--target-mode", "cluster"];
    const p = pool.start(args);
    await p.waitState("synchronizing");
    const masters = await src.masters();
    const victim = masters[0].client();
    const before = Number(await victim.dbsize());
    expect(before).toBeGreaterThan(50);
    // counters on every master, then the flush of one, then more writes: a replay crosses the flush
    const tags = ["{a}", "{b}", "{c}", "{d}", "{e}", "{f}"];
    for (const t of tags) await c.incrby(`${t}n`, 5);
    await victim.flushall();
    for (const t of tags) await c.incr(`${t}n`);
    await c.set("{a}late", "1");
    await waitCaughtUp(p, masters);
    await p.kill();
    const again = pool.start(args, p.dataDir);
    await again.waitState("synchronizing");
    for (const t of tags) await c.incr(`${t}n`);
    await waitCaughtUp(again, masters);
    const r = await compareSides(endpointOf(src, "cluster"), endpointOf(dst, "cluster"));
    expect(r.equal, describeDiff(r)).toBe(true);
    // the other masters' keys are still there
    expect(r.keys).toBeGreaterThan(600 - before);
    expect(again.last?.divergence).toMatchObject({ refused: 0, inexact: 0 });
    for (const m of masters) expect((await syncStats(m)).full).toBe(1);
  });

  it("cluster → cluster: the same Functions library on every master is loaded once, in the full sync and after; one master's FUNCTION FLUSH keeps the others', masters that keep disagreeing are reported", async () => {
    const src = await startCluster({ masters: 3 });
    const dst = await startCluster({ masters: 3 });
    const masters = await src.masters();
    const lib = (name: string, body: string) => `#!lua name=${name}\nredis.register_function('${name}_f', function(keys, args) ${body} end)`;
    for (const m of masters) await m.client().call("FUNCTION", "LOAD", lib("shared", "return 1"));
    await seedData(src.client(), "a:", 100);
    const p = pool.start(["--task", "functions", "--on-inexact", "skip", "--source", src.uri, "--source-mode", "cluster", "--target", dst.uri, "--target-mode", "cluster"]);
    await p.waitState("synchronizing");
    expect(p.last?.divergence).toMatchObject({ refused: 0, inexact: 0 });
    // incremental: a new library and a replaced one, on every master, then one deleted everywhere
    for (const m of masters) {
      await m.client().call("FUNCTION", "LOAD", lib("later", "return 2"));
      await m.client().call("FUNCTION", "LOAD", "REPLACE", lib("shared", "return 3"));
      await m.client().call("FUNCTION", "LOAD", lib("gone", "return 4"));
      await m.client().call("FUNCTION", "DELETE", "gone");
    }
    await waitCaughtUp(p, masters);
    expect(p.last?.divergence).toMatchObject({ refused: 0, inexact: 0 });
    const want = (await functionsOf(masters))[0];
    expect(JSON.parse(want).map((l: string[]) => l[0]).sort()).toEqual(["later", "shared"]);
    for (const got of await functionsOf(await dst.masters())) expect(got).toBe(want);
    // FUNCTION FLUSH on one master: the destination keeps what the other masters still hold
    await masters[0].client().call("FUNCTION", "FLUSH");
    await waitCaughtUp(p, masters);
    for (const got of await functionsOf(await dst.masters())) expect(got).toBe(want);
    // two masters disagree on a library's code: followed while streams catch up, reported once they
    // are caught up and still disagree
    await masters[1].client().call("FUNCTION", "LOAD", lib("split", "return 5"));
    await masters[2].client().call("FUNCTION", "LOAD", lib("split", "return 6"));
    await waitCaughtUp(p, masters);
    await waitFor(() => (p.last?.divergence.inexact ?? 0) === 1, 20_000, "the differing library as an inexact write");
    expect(p.last?.divergence.refused).toBe(0);
    const d = p.last!.divergence.recent[p.last!.divergence.recent.length - 1];
    expect(d).toMatchObject({ kind: "inexact", command: "FUNCTION" });
    expect(d.reason).toMatch(/different code for the Functions library split/);
  });
});
