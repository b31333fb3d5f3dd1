import { describe, expect, it } from "vitest";
import { commandCounts, generatePhase } from "./generate";
import { formatOp } from "./op";
import { PENDING_FIXES, profileFor, TOPOLOGIES } from "./profiles";
import { Prng } from "./prng";
import { seedOps } from "./seed-data";

/** The reference document's "Operations that can be synchronized" (the cloud DTS help page). */
const DOCUMENTED = [
  "APPEND", "BITOP", "BLPOP", "BRPOP", "BRPOPLPUSH", "DECR", "DECRBY", "DEL", "EVAL", "EVALSHA", "EXPIRE", "EXPIREAT",
  "GEOADD", "GETSET", "HDEL", "HINCRBY", "HINCRBYFLOAT", "HMSET", "HSET", "HSETNX", "INCR", "INCRBY", "INCRBYFLOAT",
  "LINSERT", "LPOP", "LPUSH", "LPUSHX", "LREM", "LSET", "LTRIM", "MOVE", "MSET", "MSETNX", "MULTI", "PERSIST", "PEXPIRE",
  "PEXPIREAT", "PFADD", "PFMERGE", "PSETEX", "PUBLISH", "RENAME", "RENAMENX", "RESTORE", "RPOP", "RPOPLPUSH", "RPUSH",
  "RPUSHX", "SADD", "SDIFFSTORE", "SELECT", "SET", "SETBIT", "SETEX", "SETNX", "SETRANGE", "SINTERSTORE", "SMOVE", "SPOP",
  "SREM", "SUNIONSTORE", "ZADD", "ZINCRBY", "ZINTERSTORE", "ZREM", "ZREMRANGEBYLEX", "ZUNIONSTORE", "ZREMRANGEBYRANK",
  "ZREMRANGEBYSCORE", "SWAPDB", "UNLINK",
];
/** What Redis 7 adds that the workload covers too. */
const REDIS7 = [
  "FCALL", "FCALL_RO", "FUNCTION LOAD", "FUNCTION DELETE", "FLUSHDB", "FLUSHALL", "XADD", "XGROUP", "XREADGROUP", "XCLAIM", "XAUTOCLAIM",
  "XTRIM", "XDEL", "XACK", "XSETID", "SORT", "GEORADIUS", "GEORADIUSBYMEMBER", "GEOSEARCHSTORE", "COPY", "LMOVE", "BLMOVE", "BLMPOP", "LMPOP",
  "BZPOPMIN", "BZPOPMAX", "BZMPOP", "ZMPOP", "ZRANGESTORE", "ZDIFFSTORE", "BITFIELD", "GETEX", "GETDEL", "PFCOUNT",
];

describe("the fuzz generator", () => {
  it("gives the same ops for the same seed and other ops for another seed", () => {
    for (const t of TOPOLOGIES) {
      const p = profileFor(t);
      const a = generatePhase(42, p, "A", 3, 600).flat().map(formatOp);
      expect(generatePhase(42, p, "A", 3, 600).flat().map(formatOp)).toEqual(a);
      expect(generatePhase(43, p, "A", 3, 600).flat().map(formatOp)).not.toEqual(a);
      expect(seedOps(42, p, { filler: 50 }).map(formatOp)).toEqual(seedOps(42, p, { filler: 50 }).map(formatOp));
    }
  });

  it("covers every documented operation and Redis 7's additions over the topologies", () => {
    const seen = new Set<string>();
    for (const t of TOPOLOGIES) for (const name of commandCounts(generatePhase(7, profileFor(t), "A", 3, 6000).flat()).keys()) seen.add(name);
    expect([...DOCUMENTED, ...REDIS7].filter((c) => !seen.has(c))).toEqual([]);
  });

  it("keeps every multi-key op of a cluster source in one slot, and leaves out what a profile excludes", () => {
    const p = profileFor("cluster-cluster");
    for (const op of generatePhase(3, p, "A", 2, 3000).flat()) {
      const tags = new Set(formatOp(op).match(/\{t\d+\}/g) ?? []);
      expect(tags.size, formatOp(op)).toBeLessThanOrEqual(1);
    }
    const mergedOps = generatePhase(3, profileFor("merged-cluster"), "A", 3, 6000).flat();
    const merged = commandCounts(mergedOps);
    for (const left of ["SWAPDB", "FLUSHDB"]) expect(merged.has(left), left).toBe(false);
    // no MOVE between the two merged databases: only from the unsynchronized one (moveFromUnselected)
    const moves = mergedOps.filter((op) => op.t === "cmd" && op.argv[0] === "MOVE");
    expect(moves.every((op) => op.db === 2), moves.map(formatOp).join("\n")).toBe(true);
    const cluster = commandCounts(generatePhase(3, p, "A", 3, 6000).flat());
    for (const left of ["SWAPDB", "MOVE", "SELECT"]) expect(cluster.has(left), left).toBe(false);
    // one master's FLUSHALL and cluster PUBLISH only with their switches (on once their fixes landed)
    const off = { ...p, switches: { ...p.switches, flushOneMaster: false, publishCluster: false, pubsubDelivery: false } };
    const without = commandCounts(generatePhase(3, off, "A", 3, 6000).flat());
    for (const left of ["FLUSHDB", "FLUSHALL", "PUBLISH"]) expect(without.has(left), left).toBe(false);
    const withFixes = commandCounts(generatePhase(3, profileFor("cluster-cluster", PENDING_FIXES), "A", 3, 6000).flat());
    for (const now of ["FLUSHALL", "PUBLISH"]) expect(withFixes.has(now), now).toBe(true);
  });

  it("draws the same numbers from the same seed, independent streams from forks", () => {
    const a = new Prng("s");
    const b = new Prng("s");
    const xs = Array.from({ length: 5 }, () => a.u32());
    expect(Array.from({ length: 5 }, () => b.u32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => new Prng("s").fork(1).u32())).not.toEqual(xs);
    const counts = [0, 0, 0, 0];
    const r = new Prng("spread");
    for (let i = 0; i < 40_000; i++) counts[r.int(4)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });
});
