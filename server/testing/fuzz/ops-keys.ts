import type { Family, Gen } from "./gen-context";
import type { KeyKind } from "./keyspace";
import type { Arg, Op } from "./op";
import { storeScope } from "./ops-sorted";

/**
 * Commands on whole keys: delete, rename, copy, DUMP/RESTORE, expiries (relative, absolute, some
 * already past), SORT … STORE; and on databases: MOVE, SWAPDB, FLUSHDB, FLUSHALL, each behind its
 * profile switch. Renames and copies stay within one kind so the pools keep their types.
 */

const DATA_KINDS: readonly KeyKind[] = ["str", "num", "flt", "bit", "lst", "hsh", "set", "zst", "geo", "hll", "stm"];

function kind(g: Gen): KeyKind {
  return g.r.pick(DATA_KINDS);
}

export const keyOps: Family = (g) => {
  const r = g.r;
  const s = g.scope();
  const k = kind(g);
  const key = g.key(k, s);
  switch (r.weighted({ del: 3, unlink: 1, exists: 1, touch: 0.5, rename: 2, renamenx: 1, copy: 2, restore: 2, expire: 4, expireat: 2, persist: 2, pastExpire: 0.4, sort: 2 })) {
    case "del":
    case "unlink": {
      const keys = Array.from({ length: g.int(1, 3) }, () => g.key(kind(g), s));
      return g.cmd(s, keys[0], r.chance(0.7) ? "DEL" : "UNLINK", ...keys);
    }
    case "exists": return g.cmd(s, key, "EXISTS", key, g.key(kind(g), s));
    case "touch": return g.cmd(s, key, "TOUCH", key);
    case "rename":
    case "renamenx": {
      const [a, b] = g.keys(k, s, 2);
      return g.cmd(s, a, r.chance(0.7) ? "RENAME" : "RENAMENX", a, b);
    }
    case "copy": {
      const [a, b] = g.keys(k, s, 2);
      const others = g.profile.dbs.filter((d) => d !== s.db);
      if (g.sw.copyToOtherDb && others.length > 0 && r.chance(0.3)) return g.cmd(s, a, "COPY", a, b, "DB", r.pick(others), ...(r.chance(0.5) ? ["REPLACE"] : []));
      return g.cmd(s, a, "COPY", a, b, ...(r.chance(0.5) ? ["REPLACE"] : []));
    }
    case "restore": {
      const [from, to] = g.keys(k, s, 2);
      const abs = r.chance(0.3);
      const ttl = r.chance(0.5) ? 0 : abs ? g.absTime("ms") : g.longTtlSeconds() * 1000;
      return { t: "restore", id: "", db: s.db, key: from, from, to, ttl, options: [...(r.chance(0.9) ? ["REPLACE"] : []), ...(abs ? ["ABSTTL"] : []), ...(r.chance(0.2) ? ["IDLETIME", g.int(0, 1000)] : [])] };
    }
    case "expire": {
      const cond: Arg[] = r.chance(0.3) ? [r.pick(["NX", "XX", "GT", "LT"])] : [];
      return r.chance(0.5) ? g.cmd(s, key, "EXPIRE", key, g.longTtlSeconds(), ...cond) : g.cmd(s, key, "PEXPIRE", key, g.longTtlSeconds() * 1000, ...cond);
    }
    case "expireat": return r.chance(0.5) ? g.cmd(s, key, "EXPIREAT", key, g.absTime("s")) : g.cmd(s, key, "PEXPIREAT", key, g.absTime("ms"));
    case "persist": return g.cmd(s, key, "PERSIST", key);
    case "pastExpire":
      // deletes the key on the source, which replicates a DEL
      return r.chance(0.5) ? g.cmd(s, key, "PEXPIREAT", key, g.absTime("ms", 1)) : g.cmd(s, key, "EXPIRE", key, -g.int(0, 10));
    default: return sortStore(g);
  }
};

function sortStore(g: Gen): Op {
  const r = g.r;
  const s = storeScope(g);
  const src = g.key(r.pick(["lst", "set", "zst"] as const), s);
  const dst = g.key("lst", s);
  const opts: Arg[] = [];
  // BY nosort only: with a weight pattern, elements of equal (or missing) weight come out in an order
  // that differs from server to server (a native Redis 7.0 replica's SORT … STORE differs too)
  if (r.chance(0.2)) opts.push("BY", "nosort");
  if (g.sw.sortPatterns && r.chance(0.4)) opts.push("GET", "#", "GET", r.pick(["str:*", "hsh:*->f2"]));
  if (r.chance(0.3)) opts.push("LIMIT", g.int(0, 3), g.int(1, 10));
  if (r.chance(0.5)) opts.push("DESC");
  return g.cmd(s, src, "SORT", src, ...opts, "ALPHA", "STORE", dst);
}

/** MOVE, SWAPDB, FLUSHDB, FLUSHALL: rare, each only where its switch allows. */
export const dbOps: Family = (g) => {
  const r = g.r;
  const sw = g.sw;
  const dbs = g.profile.dbs;
  const choice = r.weighted({
    move: sw.moveBetweenDbs && dbs.length > 1 ? 10 : 0,
    swapdb: sw.swapdb && dbs.length > 1 ? 2 : 0,
    flushdb: (sw.flushdb && !g.clusterSource) || (sw.flushOneMaster && g.clusterSource) ? 0.5 : 0,
    flushall: (sw.flushall && !g.clusterSource) || (sw.flushOneMaster && g.clusterSource) ? 0.3 : 0,
    functionFlush: sw.functionFlushOneMaster && g.clusterSource ? 0.3 : 0,
    none: 4,
  });
  const s = g.scope();
  switch (choice) {
    case "move": {
      const key = g.key(kind(g), s);
      return g.cmd(s, key, "MOVE", key, r.pick(dbs.filter((d) => d !== s.db)));
    }
    case "swapdb": {
      const [a, b] = r.sample(dbs, 2);
      return { t: "masters", id: "", db: s.db, master: 0, argv: ["SWAPDB", a, b] };
    }
    case "flushdb": return { t: "masters", id: "", db: s.db, master: r.int(g.profile.source.masters), argv: ["FLUSHDB", ...(r.chance(0.5) ? [r.pick(["ASYNC", "SYNC"])] : [])] };
    case "flushall": return { t: "masters", id: "", db: s.db, master: r.int(g.profile.source.masters), argv: ["FLUSHALL", ...(r.chance(0.5) ? [r.pick(["ASYNC", "SYNC"])] : [])] };
    case "functionFlush": return { t: "masters", id: "", db: 0, master: r.int(g.profile.source.masters), argv: ["FUNCTION", "FLUSH"] };
    default: return null;
  }
};

/** Keys of a database the task does not synchronize, moved into one it does (the engine must report them). */
export const unselectedOps: Family = (g) => {
  const from = g.profile.unselectedDb;
  if (!g.sw.moveFromUnselected || from === undefined) return null;
  const s = { db: from, tag: g.ks.clusterSource ? g.r.pick(g.ks.tags) : null };
  const key = g.key("str", s);
  if (g.r.chance(0.5)) return g.cmd(s, key, "SET", key, g.value());
  return g.cmd(s, key, "MOVE", key, g.r.pick(g.profile.dbs));
}
