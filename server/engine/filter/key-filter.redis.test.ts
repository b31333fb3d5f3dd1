import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { startCluster, startRedis, stopAll, waitFor, type RedisClusterHandle } from "../../testing/redis-harness";
import { syncProcessPool } from "../../testing/sync-process";
import { runWorkload } from "../../testing/workload";
import { compareSides, describeDiff, endpointOf, seedData, waitCaughtUp } from "../../testing/sync-fixtures";
import { KeyFilter } from "./key-filter";
import { isOwnKey } from "../own-keys";

/**
 * Issue 17's key filters end to end through `redis-dts sync --include/--exclude`: the destination
 * holds exactly the included keys, equal to the source's; commands that tie included keys to
 * excluded ones are divergences; a flush removes only included keys.
 */
const pool = syncProcessPool();
afterEach(pool.cleanup);
afterAll(stopAll);
let tasks = 0;
const sync = (args: string[]) => pool.start(["--task", `f${tasks++}`, "--skip-precheck", ...args]);

const FILTER = { include: ["in:*", "both:*"], exclude: ["*:skip"] };
const filterArgs = ["--include", "in:*", "--include", "both:*", "--exclude", "*:skip"];

/** multi-key commands over included and excluded keys that a filter splits exactly */
async function splitCommands(c: Redis, round: string): Promise<void> {
  await c.mset(`in:${round}:a`, "1", `out:${round}:a`, "2", `in:${round}:b`, "3", `in:${round}:b:skip`, "4");
  await c.msetnx(`in:${round}:nx`, "1", `out:${round}:nx`, "2");
  await c.set(`in:${round}:gone`, "x");
  await c.set(`out:${round}:gone`, "x");
  await c.del(`in:${round}:gone`, `out:${round}:gone`, `in:${round}:a`);
  await c.unlink(`out:${round}:nx`, `in:${round}:b`);
  // a transaction over both sides: its included commands stay one transaction
  await c.multi().set(`in:${round}:tx`, "1").set(`out:${round}:tx`, "2").incr(`in:${round}:tx`).exec();
}

async function allKeys(c: Redis | RedisClusterHandle): Promise<string[]> {
  const nodes = "masters" in c ? (await c.masters()).map((m) => m.client()) : [c];
  const out: string[] = [];
  for (const n of nodes) out.push(...(await n.keys("*")));
  return out.filter((k) => !isOwnKey(k));
}

describe("key filters", () => {
  it("standalone → cluster: only included keys arrive, equal to the source's, through the full sync and after", async () => {
    const src = await startRedis();
    const dst = await startCluster({ masters: 3 });
    const c = src.client();
    await seedData(c, "in:");
    await seedData(c, "out:");
    await seedData(c, "both:", 30);
    await c.set("in:seed:skip", "excluded by the exclude");
    const p = sync(["--source", src.uri, "--target", dst.uri, "--target-mode", "cluster", ...filterArgs]);
    // written while the full sync starts: some land in its RDB, the rest in the stream after it
    await splitCommands(c, "r1");
    const ready = await p.waitState("synchronizing");
    expect(ready.keyFilter).toBe("include in:*, both:*; exclude *:skip");
    await splitCommands(c, "r2");
    await runWorkload(c, { prefix: "in:w:" });
    await runWorkload(c, { prefix: "out:w:" });
    await waitCaughtUp(p, [src]);

    const r = await compareSides(endpointOf(src, "standalone"), endpointOf(dst, "cluster"), { keyFilter: FILTER });
    expect(r.equal, describeDiff(r)).toBe(true);
    const filter = new KeyFilter(FILTER);
    const sourceIncluded = (await allKeys(c)).filter((k) => filter.keyIncluded(k)).sort();
    const onDestination = (await allKeys(dst)).sort();
    expect(onDestination.filter((k) => !filter.keyIncluded(k))).toEqual([]);
    expect(onDestination).toEqual(sourceIncluded);
    expect(sourceIncluded.length).toBeGreaterThan(200);
    expect(p.last!.divergence.inexact + p.last!.divergence.refused).toBe(0);
  });

  it("a command tying included keys to excluded ones is a divergence: counted, named, policy applied", async () => {
    const src = await startRedis();
    const dst = await startRedis();
    const c = src.client();
    const p = sync(["--source", src.uri, "--target", dst.uri, "--include", "in:*", "--on-inexact", "skip"]);
    await p.waitState("synchronizing");
    await c.set("in:r", "1");
    await c.rename("in:r", "out:r");
    await c.sadd("out:set", "m");
    await c.smove("out:set", "in:set", "m");
    await c.sadd("in:b", "x");
    await c.sunionstore("in:u", "out:set", "in:b");
    await c.set("in:after", "1");
    await waitCaughtUp(p, [src]);
    await waitFor(() => (p.last?.divergence.inexact ?? 0) >= 3, 10_000, "three inexact commands");
    const d = p.last!.divergence;
    expect(d.inexact).toBe(3);
    expect(d.recent.map((x) => x.command)).toEqual(["RENAME", "SMOVE", "SUNIONSTORE"]);
    expect(d.recent[0].reason).toMatch(/ties keys the key filter includes \(in:r\) to keys it excludes \(out:r\)/);
    expect(await dst.client().get("in:after")).toBe("1");
  });

  it("FLUSHALL under a filter removes the included keys from the destination and keeps the operator's others", async () => {
    const src = await startRedis();
    const dst = await startRedis();
    const c = src.client();
    const d = dst.client();
    await seedData(c, "in:", 50);
    await c.set("out:1", "source only");
    await d.set("keep:1", "the operator's own");
    const p = sync(["--source", src.uri, "--target", dst.uri, "--include", "in:*", "--conflict", "ignore"]);
    await p.waitState("synchronizing");
    expect((await allKeys(d)).filter((k) => k.startsWith("in:")).length).toBe(50);
    await c.flushall();
    await c.set("in:new", "after the flush");
    await waitCaughtUp(p, [src]);
    expect((await allKeys(d)).sort()).toEqual(["in:new", "keep:1"]);
  });
});
