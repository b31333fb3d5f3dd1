import type { Family, Gen } from "./gen-context";
import type { KeyKind, Scope } from "./keyspace";
import type { Arg, Op, TxCmd } from "./op";

/**
 * Scripts, functions, transactions and PUBLISH. Redis 7 replicates a script's effects wrapped in
 * MULTI/EXEC, so scripts and transactions share one rule: their keys share a slot unless the profile
 * lets the destination split them (txAcrossSlots). Function libraries live per server: on a cluster
 * source each master gets libraries of its own names unless `functionsEveryMaster` loads the same one
 * on every master.
 */

interface ScriptTemplate {
  kinds: KeyKind[];
  body: string;
  args(g: Gen): Arg[];
}

const SCRIPTS: ScriptTemplate[] = [
  { kinds: ["num", "hsh"], body: "redis.call('INCRBY', KEYS[1], ARGV[1]) redis.call('HSET', KEYS[2], 'f' .. ARGV[2], ARGV[3]) return 1", args: (g) => [g.int(-9, 9), g.int(0, 11), g.value()] },
  { kinds: ["lst", "set"], body: "local v = redis.call('RPOP', KEYS[1]) if v then redis.call('SADD', KEYS[2], v) end return v", args: () => [] },
  { kinds: ["zst", "str"], body: "redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2]) redis.call('PEXPIRE', KEYS[2], ARGV[3]) return 1", args: (g) => [g.int(-9, 9), g.member("z", 25), g.longTtlSeconds() * 1000] },
  { kinds: ["str"], body: "local t = redis.call('TIME') redis.call('SET', KEYS[1], t[1] .. '.' .. t[2]) return 1", args: () => [] },
  // fails half way: the first writes stay and are replicated, the failing one is not
  { kinds: ["num", "lst"], body: "redis.call('INCR', KEYS[1]) redis.call('LPUSH', KEYS[2], ARGV[1]) return redis.call('INCR', KEYS[2])", args: (g) => [g.member("e")] },
  { kinds: ["str"], body: "return redis.call('GET', KEYS[1])", args: () => [] },
  { kinds: ["stm", "num"], body: "local id = redis.call('XADD', KEYS[1], '*', 'f', ARGV[1]) redis.call('INCR', KEYS[2]) return id", args: (g) => [g.value()] },
  { kinds: ["hsh", "hsh", "set"], body: "local v = redis.call('HGET', KEYS[1], ARGV[1]) if v then redis.call('HSET', KEYS[2], ARGV[1], v) redis.call('HDEL', KEYS[1], ARGV[1]) redis.call('SADD', KEYS[3], ARGV[1]) end return 1", args: (g) => [g.member("f", 12)] },
  { kinds: ["flt", "geo"], body: "redis.call('INCRBYFLOAT', KEYS[1], ARGV[1]) redis.call('GEOADD', KEYS[2], ARGV[2], ARGV[3], ARGV[4]) return 1", args: (g) => ["0.25", "14.5", "37.5", g.member("p", 15)] },
];

function scriptOp(g: Gen, s: Scope, t: ScriptTemplate): { keys: Buffer[]; args: Arg[] } {
  return { keys: t.kinds.map((k) => g.key(k, s)), args: t.args(g) };
}

export const evalOps: Family = (g) => {
  const s = g.txScope();
  const t = g.r.pick(SCRIPTS);
  const { keys, args } = scriptOp(g, s, t);
  if (g.r.chance(0.5)) return { t: "evalsha", id: "", db: s.db, key: keys[0], script: t.body, keys, args };
  return g.cmd(s, keys[0], g.r.chance(0.1) && t.body.startsWith("return") ? "EVAL_RO" : "EVAL", t.body, keys.length, ...keys, ...args);
};

/** a library's code: one writing function and one read-only function; `version` changes what it writes */
export function libraryCode(lib: string, version: number): string {
  return [
    `#!lua name=${lib}`,
    `local function w(keys, args)`,
    `  redis.call('HINCRBY', keys[1], 'n' .. (${version} % 4), tonumber(args[1]))`,
    `  redis.call('RPUSH', keys[2], args[2] .. ':${version}')`,
    `  return redis.call('INCRBY', keys[3], ${version + 1})`,
    `end`,
    `redis.register_function('${lib}_w', w)`,
    `redis.register_function{function_name='${lib}_r', callback=function(keys, args) return redis.call('GET', keys[1]) end, flags={'no-writes'}}`,
  ].join("\n");
}

const LIBS = 3;

/**
 * The libraries FCALL may use for keys of a scope, and where FUNCTION LOAD of one goes: on a
 * standalone source its own; on a cluster source each master's own names, or (`shared`, with
 * functionsEveryMaster) the same library loaded on every master.
 */
export function libraries(g: Gen, s: Scope, shared: boolean): { libs: string[]; master: number | "each" } {
  if (!g.clusterSource) return { libs: Array.from({ length: LIBS }, (_, i) => `fzlib${i}`), master: 0 };
  if (shared) return { libs: Array.from({ length: LIBS }, (_, i) => `fzlib${i}`), master: "each" };
  const m = g.ks.masterOfTag(s.tag!);
  return { libs: Array.from({ length: LIBS }, (_, i) => `fzm${m}l${i}`), master: m };
}

export const functionOps: Family = (g) => {
  const r = g.r;
  const s = g.txScope();
  const shared = g.clusterSource && g.sw.functionsEveryMaster && r.chance(0.5);
  // a shared library changes (REPLACE, DELETE, other code) only with functionChangesEveryMaster: the
  // masters' streams are applied independently, so an older LOAD from a lagging master meets newer code
  const changes = !shared || g.sw.functionChangesEveryMaster;
  const { libs, master } = libraries(g, s, shared);
  const lib = r.pick(libs);
  switch (r.weighted({ fcall: 8, fcallRo: 1, load: 2, replace: changes ? 2 : 0, del: changes ? 1 : 0 })) {
    case "fcall": {
      const keys = [g.key("hsh", s), g.key("lst", s), g.key("num", s)];
      return g.cmd(s, keys[0], "FCALL", `${lib}_w`, 3, ...keys, g.int(-5, 5), g.member("e"));
    }
    case "fcallRo": {
      const k = g.key("str", s);
      return g.cmd(s, k, "FCALL_RO", `${lib}_r`, 1, k);
    }
    // a plain LOAD of other code on every master fails where one is there and loads where a FLUSH of
    // that master removed it: the masters would really hold different code, which the engine reports
    // (exactness.redis.test.ts) and an exact round cannot end equal; shared changes load with REPLACE
    case "load": return { t: "masters", id: "", db: s.db, master, argv: shared && changes ? ["FUNCTION", "LOAD", "REPLACE", libraryCode(lib, g.int(0, 3))] : ["FUNCTION", "LOAD", libraryCode(lib, changes ? g.int(0, 3) : 0)] };
    case "replace": return { t: "masters", id: "", db: s.db, master, argv: ["FUNCTION", "LOAD", "REPLACE", libraryCode(lib, g.int(0, 3))] };
    default: return { t: "masters", id: "", db: s.db, master, argv: ["FUNCTION", "DELETE", lib] };
  }
};

/**
 * MULTI/EXEC of 2-6 commands drawn from the simple families in one scope (another database for some
 * when selectInTx is on), sometimes with a PUBLISH inside, sometimes DISCARDed.
 */
export function txOps(simple: Family[]): Family {
  return (g) => {
    const r = g.r;
    const s = g.txScope();
    const cmds: TxCmd[] = [];
    const others = g.profile.dbs.filter((d) => d !== s.db);
    let db = s.db;
    for (let want = g.int(2, 6), tries = 0; cmds.length < want && tries < 40; tries++) {
      const switchDb = g.sw.selectInTx && others.length > 0 && r.chance(0.15);
      const at: Scope = { db: switchDb ? r.pick(g.profile.dbs) : db, tag: s.tag };
      const op = g.within(at, () => r.pick(simple)(g));
      if (!op || op.t !== "cmd") continue;
      cmds.push(at.db !== db ? { argv: op.argv, select: at.db } : { argv: op.argv });
      db = at.db;
    }
    if (publishAllowed(g) && r.chance(0.2)) cmds.push({ argv: publishArgv(g) });
    if (cmds.length === 0) return null;
    const anchor = g.key("str", s);
    return g.tx(s, anchor, cmds, r.chance(0.05));
  };
}

export function publishAllowed(g: Gen): boolean {
  return !g.clusterSource || g.sw.publishCluster;
}

function publishArgv(g: Gen): Arg[] {
  return ["PUBLISH", `fz:ch${g.int(0, 3)}`, `${g.phase}${g.conn}.${g.next()}`];
}

export const publishOps: Family = (g) => {
  if (!publishAllowed(g)) return null;
  const [, channel, message] = publishArgv(g) as string[];
  const op: Op = { t: "publish", id: "", db: g.scope().db, channel, message };
  return op;
};
