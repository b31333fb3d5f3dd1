import type { Cluster, Redis } from "ioredis";

/**
 * A workload that runs every operation of the reference document's list (and what a current Redis
 * adds: streams, functions, COPY, GETDEL, LMOVE…) against a source, for sync tests that then compare
 * both sides key by key. `tag` puts every key in one slot (needed on a cluster source, where
 * multi-key commands must stay in one slot); without it, keys spread over slots so a cluster
 * destination has to split or emulate cross-slot commands.
 */
export interface WorkloadOptions {
  /** hash tag for every key, e.g. "{w}" (cluster sources) */
  tag?: string;
  /** run the commands that need several databases (SELECT, MOVE, SWAPDB): standalone sources only */
  multiDb?: boolean;
  /** include SWAPDB (only where the destination can apply it: standalone with the same numbering) */
  swapdb?: boolean;
  /** a prefix so several rounds do not collide */
  prefix?: string;
}

type Cmd = (string | number | Buffer)[];

export function workloadCommands(o: WorkloadOptions = {}): Cmd[] {
  const t = (k: string) => `${o.tag ?? ""}${o.prefix ?? ""}${k}`;
  const now = Date.now();
  const script = "redis.call('SET', KEYS[1], ARGV[1]); redis.call('INCR', KEYS[2]); return 1";
  const cmds: Cmd[] = [
    ["SET", t("s1"), "hello"], ["APPEND", t("s1"), " world"], ["SET", t("bin"), Buffer.from([0, 255, 1, 254, 10, 13])],
    ["SET", t("n"), 10], ["INCR", t("n")], ["INCRBY", t("n"), 5], ["DECR", t("n")], ["DECRBY", t("n"), 2], ["INCRBYFLOAT", t("f"), "1.5"],
    ["GETSET", t("s2"), "new"], ["SETNX", t("s3"), "x"], ["SETNX", t("s3"), "y"], ["SETEX", t("ttl1"), 1000, "v"], ["PSETEX", t("ttl2"), 900000, "v"],
    ["SET", t("ttl3"), "v", "EX", 3000], ["SETRANGE", t("s1"), 0, "J"], ["SETBIT", t("bits"), 7, 1], ["SETBIT", t("bits2"), 3, 1],
    ["BITOP", "OR", t("bitsum"), t("bits"), t("bits2")], ["MSET", t("m1"), "a", t("m2"), "b", t("m3"), "c"], ["MSETNX", t("m4"), "d", t("m5"), "e"],
    ["EXPIRE", t("m1"), 5000], ["EXPIREAT", t("m2"), Math.floor(now / 1000) + 7200], ["PEXPIRE", t("m3"), 4000000], ["PEXPIREAT", t("m4"), now + 3600000],
    ["SET", t("p"), "persist-me", "EX", 100], ["PERSIST", t("p")], ["GETDEL", t("m5")], ["SET", t("gone"), 1], ["DEL", t("gone"), t("nothing")], ["SET", t("gone2"), 1], ["UNLINK", t("gone2")],
    ["RPUSH", t("l1"), "a", "b", "c", "d", "e", "b"], ["LPUSH", t("l1"), "z"], ["LPUSHX", t("l1"), "y"], ["RPUSHX", t("l1"), "q"], ["LPUSHX", t("nolist"), "x"],
    ["LINSERT", t("l1"), "BEFORE", "c", "bc"], ["LSET", t("l1"), 0, "Y"], ["LREM", t("l1"), 1, "b"], ["LPOP", t("l1")], ["RPOP", t("l1")], ["LTRIM", t("l1"), 0, 4],
    ["RPUSH", t("l2"), 1, 2, 3], ["RPOPLPUSH", t("l2"), t("l3")], ["BRPOPLPUSH", t("l2"), t("l3"), 1], ["LMOVE", t("l3"), t("l4"), "LEFT", "RIGHT"],
    ["RPUSH", t("bl"), 1, 2, 3], ["BLPOP", t("bl"), 1], ["BRPOP", t("bl"), 1],
    ["HSET", t("h"), "f1", "v1", "f2", "v2", "n", 1], ["HMSET", t("h"), "f3", "v3"], ["HSETNX", t("h"), "f1", "nope"], ["HSETNX", t("h"), "f4", "v4"],
    ["HINCRBY", t("h"), "n", 5], ["HINCRBYFLOAT", t("h"), "x", "2.5"], ["HDEL", t("h"), "f2"],
    ["SADD", t("set1"), "a", "b", "c", "d"], ["SADD", t("set2"), "c", "d", "e"], ["SREM", t("set1"), "a"], ["SPOP", t("set2")],
    ["SMOVE", t("set1"), t("set3"), "b"], ["SUNIONSTORE", t("su"), t("set1"), t("set2"), t("set3")], ["SINTERSTORE", t("si"), t("set1"), t("su")], ["SDIFFSTORE", t("sd"), t("su"), t("set3")],
    ["ZADD", t("z1"), 1, "a", 2, "b", 3, "c", 4, "d", 5, "e"], ["ZADD", t("z2"), 10, "c", 20, "x"], ["ZINCRBY", t("z1"), 2.5, "a"], ["ZREM", t("z1"), "e"],
    ["ZADD", t("zl"), 0, "aa", 0, "bb", 0, "cc", 0, "dd"], ["ZREMRANGEBYLEX", t("zl"), "[aa", "[bb"], ["ZREMRANGEBYRANK", t("z2"), 0, 0], ["ZADD", t("z3"), 1, "p", 2, "q", 3, "r"], ["ZREMRANGEBYSCORE", t("z3"), 2, 2],
    ["ZUNIONSTORE", t("zu"), 2, t("z1"), t("z2"), "WEIGHTS", 1, 2], ["ZINTERSTORE", t("zi"), 2, t("z1"), t("z3")],
    ["GEOADD", t("geo"), "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"],
    ["PFADD", t("hll1"), "a", "b", "c"], ["PFADD", t("hll2"), "c", "d"], ["PFMERGE", t("hll"), t("hll1"), t("hll2")],
    ["SET", t("r1"), "rename-me"], ["RENAME", t("r1"), t("r2")], ["SET", t("r3"), "renamenx"], ["RENAMENX", t("r3"), t("r4")], ["COPY", t("r2"), t("r5")],
    ["EVAL", script, 2, t("e1"), t("e2"), "from-eval"],
    ["EVALSHA", "__SHA__", 2, t("e3"), t("e2"), "from-evalsha"],
    ["MULTI"], ["SET", t("tx1"), "a"], ["INCR", t("tx2")], ["LPUSH", t("tx3"), "x"], ["EXEC"],
    ["XADD", t("x"), "1-1", "f", "v"], ["XADD", t("x"), "*", "g", "w"], ["XGROUP", "CREATE", t("x"), "grp", "0"],
    ["XREADGROUP", "GROUP", "grp", "alice", "COUNT", 1, "STREAMS", t("x"), ">"], ["XADD", t("x"), "*", "h", "u"], ["XDEL", t("x"), "1-1"],
    ["FUNCTION", "LOAD", "REPLACE", "#!lua name=dtslib\nredis.register_function('dts_set', function(keys, args) return redis.call('SET', keys[1], args[1]) end)"],
    ["FCALL", "dts_set", 1, t("fn1"), "from-function"],
    ["PUBLISH", "dts-channel", "message"],
  ];
  if (o.multiDb) {
    cmds.push(["SET", t("mv"), "moving"], ["MOVE", t("mv"), 1], ["SELECT", 1], ["SET", t("db1key"), "in-db-1"], ["HSET", t("db1hash"), "a", "b"], ["SELECT", 0]);
    if (o.swapdb) cmds.push(["SWAPDB", 0, 1], ["SWAPDB", 0, 1]);
  }
  return cmds;
}

/** Runs the workload; DUMP/RESTORE and EVALSHA get their live arguments. */
export async function runWorkload(client: Redis | Cluster, o: WorkloadOptions = {}): Promise<number> {
  const t = (k: string) => `${o.tag ?? ""}${o.prefix ?? ""}${k}`;
  let n = 0;
  const script = "redis.call('SET', KEYS[1], ARGV[1]); redis.call('INCR', KEYS[2]); return 1";
  if ("nodes" in client && client.status !== "ready") await new Promise((r) => client.once("ready", r));
  const nodes = "nodes" in client ? (client as Cluster).nodes("master") : [client as Redis];
  // Scripts and functions live per node: on a cluster every master needs them.
  const sha = String((await Promise.all(nodes.map((c) => c.call("SCRIPT", "LOAD", script))))[0]);
  const single = (client as Redis).select ? (client as Redis) : null;
  let inMulti = false;
  let multi: ReturnType<Redis["multi"]> | null = null;
  for (const cmd of workloadCommands(o)) {
    const args = cmd.map((a) => (a === "__SHA__" ? sha : a));
    const name = String(args[0]).toUpperCase();
    if (name === "MULTI") {
      inMulti = true;
      multi = (client as Redis).multi();
      continue;
    }
    if (inMulti && multi) {
      if (name === "EXEC") {
        await multi.exec();
        inMulti = false;
        multi = null;
      } else (multi as unknown as { call(...a: unknown[]): void }).call(...args);
      n++;
      continue;
    }
    if (name === "SELECT" && single) await single.select(Number(args[1]));
    else if (name === "FUNCTION") await Promise.all(nodes.map((c) => c.call("FUNCTION", ...(args.slice(1) as string[]))));
    else await client.call(String(args[0]), ...(args.slice(1) as (string | Buffer | number)[]));
    n++;
  }
  const dumped = (await client.callBuffer("DUMP", t("h"))) as Buffer;
  await client.call("RESTORE", t("restored"), 0, dumped, "REPLACE");
  return n + 1;
}
