import type { Family } from "./gen-context";

/**
 * Lists, hashes and sets, including the commands that move values between keys (RPOPLPUSH, LMOVE,
 * SMOVE, the *STORE commands): across slots on a standalone source, so a cluster destination has to
 * emulate them. Blocking pops here are the ones served at once (or timing out on an empty list);
 * ops-blocking.ts has the clients that block first.
 */

export const listOps: Family = (g) => {
  const s = g.scope();
  const r = g.r;
  const k = g.key("lst", s);
  const items = () => Array.from({ length: g.int(1, 5) }, () => (r.chance(0.2) ? g.value() : g.member("e")));
  switch (r.weighted({ push: 6, pushx: 2, linsert: 2, pop: 3, lrem: 2, lset: 2, ltrim: 1, rpoplpush: 2, lmove: 2, lmpop: 1, bpop: 2, bmove: 1 })) {
    case "push": return g.cmd(s, k, r.pick(["LPUSH", "RPUSH"]), k, ...items());
    case "pushx": return g.cmd(s, k, r.pick(["LPUSHX", "RPUSHX"]), k, ...items());
    case "linsert": return g.cmd(s, k, "LINSERT", k, r.pick(["BEFORE", "AFTER"]), g.member("e"), g.member("e"));
    case "pop": return g.cmd(s, k, r.pick(["LPOP", "RPOP"]), k, ...(r.chance(0.4) ? [g.int(1, 4)] : []));
    case "lrem": return g.cmd(s, k, "LREM", k, g.int(-2, 2), g.member("e"));
    case "lset": return g.cmd(s, k, "LSET", k, g.int(-6, 6), g.member("e"));
    case "ltrim": return g.cmd(s, k, "LTRIM", k, g.int(0, 3), g.int(-1, 40));
    case "rpoplpush": {
      const [a, b] = g.keys("lst", s, 2);
      return g.cmd(s, a, "RPOPLPUSH", a, r.chance(0.15) ? a : b);
    }
    case "lmove": {
      const [a, b] = g.keys("lst", s, 2);
      return g.cmd(s, a, "LMOVE", a, b, r.pick(["LEFT", "RIGHT"]), r.pick(["LEFT", "RIGHT"]));
    }
    case "lmpop": {
      const ks = g.keys("lst", s, g.int(1, 3));
      return g.cmd(s, ks[0], "LMPOP", ks.length, ...ks, r.pick(["LEFT", "RIGHT"]), ...(r.chance(0.5) ? ["COUNT", g.int(1, 3)] : []));
    }
    case "bpop": {
      const ks = g.keys("lst", s, g.int(1, 2));
      return g.cmd(s, ks[0], r.pick(["BLPOP", "BRPOP"]), ...ks, "0.01");
    }
    default: {
      const [a, b] = g.keys("lst", s, 2);
      return r.chance(0.5)
        ? g.cmd(s, a, "BRPOPLPUSH", a, b, "0.01")
        : g.cmd(s, a, "BLMOVE", a, b, r.pick(["LEFT", "RIGHT"]), r.pick(["LEFT", "RIGHT"]), "0.01");
    }
  }
};

export const hashOps: Family = (g) => {
  const s = g.scope();
  const r = g.r;
  const k = g.key("hsh", s);
  const pairs = () => Array.from({ length: g.int(1, 4) }, () => [g.member("f", 12), g.value()]).flat();
  switch (r.weighted({ hset: 6, hmset: 2, hsetnx: 2, hdel: 3, hincrby: 3, hincrbyfloat: 3 })) {
    case "hset": return g.cmd(s, k, "HSET", k, ...pairs());
    case "hmset": return g.cmd(s, k, "HMSET", k, ...pairs());
    case "hsetnx": return g.cmd(s, k, "HSETNX", k, g.member("f", 12), g.value());
    case "hdel": return g.cmd(s, k, "HDEL", k, ...Array.from({ length: g.int(1, 3) }, () => g.member("f", 12)));
    case "hincrby": return g.cmd(s, k, "HINCRBY", k, g.member("n", 4), g.int(-100, 100));
    default: return g.cmd(s, k, "HINCRBYFLOAT", k, g.member("x", 4), r.pick(["0.5", "-2.25", "1e2", "0.1", "7"]));
  }
};

export const setOps: Family = (g) => {
  const s = g.scope();
  const r = g.r;
  const k = g.key("set", s);
  switch (r.weighted({ sadd: 6, srem: 3, spop: 2, smove: 2, store: 3 })) {
    case "sadd": return g.cmd(s, k, "SADD", k, ...Array.from({ length: g.int(1, 6) }, () => g.member("m", 30)));
    case "srem": return g.cmd(s, k, "SREM", k, ...Array.from({ length: g.int(1, 3) }, () => g.member("m", 30)));
    case "spop": return g.cmd(s, k, "SPOP", k, ...(r.chance(0.5) ? [g.int(1, 4)] : []));
    case "smove": {
      const [a, b] = g.keys("set", s, 2);
      return g.cmd(s, a, "SMOVE", a, b, g.member("m", 30));
    }
    default: {
      const [dst, ...srcs] = g.keys("set", s, g.int(2, 4));
      return g.cmd(s, dst, r.pick(["SDIFFSTORE", "SINTERSTORE", "SUNIONSTORE"]), dst, ...srcs);
    }
  }
};
