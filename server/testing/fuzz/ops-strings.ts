import type { Family, Gen } from "./gen-context";
import type { Arg } from "./op";

/**
 * Strings, counters, floats, bitmaps, and the short-lived keys (`eph:`): the only keys with TTLs short
 * enough to end during a round, written only by commands whose result does not depend on whether
 * the key expired a moment earlier (overwrites), so replication lag cannot make the sides differ.
 */

/** SET's expiry option, long enough never to end during a round (or none, or KEEPTTL) */
function setExpiry(g: Gen): Arg[] {
  switch (g.r.int(7)) {
    case 0: return ["EX", g.longTtlSeconds()];
    case 1: return ["PX", g.longTtlSeconds() * 1000];
    case 2: return ["EXAT", g.absTime("s")];
    case 3: return ["PXAT", g.absTime("ms")];
    case 4: return ["KEEPTTL"];
    default: return [];
  }
}

export const stringOps: Family = (g) => {
  const s = g.scope();
  const r = g.r;
  const k = g.key("str", s);
  switch (r.weighted({ set: 6, append: 3, setrange: 2, getset: 1, getdel: 1, getex: 2, setnx: 1, setex: 1, mset: 3, msetnx: 1, strlen: 1 })) {
    case "set": {
      const cond = r.chance(0.2) ? [r.pick(["NX", "XX"])] : [];
      const get = r.chance(0.15) ? ["GET"] : [];
      return g.cmd(s, k, "SET", k, g.value(), ...cond, ...get, ...setExpiry(g));
    }
    case "append": return g.cmd(s, k, "APPEND", k, g.value());
    case "setrange": return g.cmd(s, k, "SETRANGE", k, g.int(0, 120), g.value());
    case "getset": return g.cmd(s, k, "GETSET", k, g.value());
    case "getdel": return g.cmd(s, k, "GETDEL", k);
    case "getex": {
      const opt: Arg[] = r.pick([["PERSIST"], ["EX", g.longTtlSeconds()], ["PXAT", g.absTime("ms", 0.1)], ["EXAT", g.absTime("s")], []]);
      return g.cmd(s, k, "GETEX", k, ...opt);
    }
    case "setnx": return g.cmd(s, k, "SETNX", k, g.value());
    case "setex": return g.cmd(s, k, r.chance(0.5) ? "SETEX" : "PSETEX", k, r.chance(0.5) ? g.longTtlSeconds() : g.longTtlSeconds() * 1000, g.value());
    case "mset":
    case "msetnx": {
      const keys = g.keys("str", s, g.int(2, 4));
      return g.cmd(s, keys[0], r.chance(0.8) ? "MSET" : "MSETNX", ...keys.flatMap((x) => [x, g.value()]));
    }
    default: return g.cmd(s, k, "STRLEN", k);
  }
};

export const counterOps: Family = (g) => {
  const s = g.scope();
  const r = g.r;
  const n = g.key("num", s);
  const f = g.key("flt", s);
  switch (r.weighted({ incr: 3, incrby: 3, decr: 2, decrby: 2, incrbyfloat: 3, setnum: 1 })) {
    case "incr": return g.cmd(s, n, "INCR", n);
    case "incrby": return g.cmd(s, n, "INCRBY", n, g.int(-1000, 1000));
    case "decr": return g.cmd(s, n, "DECR", n);
    case "decrby": return g.cmd(s, n, "DECRBY", n, g.int(-50, 500));
    case "incrbyfloat": return g.cmd(s, f, "INCRBYFLOAT", f, r.pick(["0.1", "-1.5", "3.0e2", "1e-3", "2.5", String(g.int(-9, 9))]));
    default: return g.cmd(s, n, "SET", n, String(g.int(-100000, 100000)));
  }
};

export const bitOps: Family = (g) => {
  const s = g.scope();
  const r = g.r;
  const k = g.key("bit", s);
  switch (r.weighted({ setbit: 4, bitop: 2, bitfield: 3 })) {
    case "setbit": return g.cmd(s, k, "SETBIT", k, g.int(0, 2000), r.int(2));
    case "bitop": {
      const [dst, a, b] = g.keys("bit", s, 3);
      const op = r.pick(["AND", "OR", "XOR", "NOT"]);
      return g.cmd(s, dst, "BITOP", op, dst, a, ...(op === "NOT" ? [] : [b]));
    }
    default: {
      const args: Arg[] = [];
      for (let i = g.int(1, 3); i > 0; i--) {
        // no OVERFLOW FAIL: a BITFIELD whose every operation fails still creates or grows the string on
        // the source, and replicates nothing (a native Redis 7.0 replica differs too)
        if (r.chance(0.3)) args.push("OVERFLOW", r.pick(["WRAP", "SAT"]));
        const type = r.pick(["u8", "i8", "u16", "i5", "u31", "i32"]);
        args.push(...(r.chance(0.5) ? ["SET", type, `#${g.int(0, 20)}`, g.int(-300, 300)] : ["INCRBY", type, g.int(0, 200), g.int(-100, 100)]));
      }
      return g.cmd(s, k, "BITFIELD", k, ...args);
    }
  }
};

/** Keys that expire during the round: short relative TTLs, and absolute ones already past. */
export const ephemeralOps: Family = (g) => {
  const s = g.scope();
  const r = g.r;
  const k = g.key("eph", s);
  switch (r.weighted({ setpx: 4, setex: 2, psetex: 2, pexpire: 2, pastAt: 2, set: 2, del: 1 })) {
    case "setpx": return g.cmd(s, k, "SET", k, g.value(), "PX", g.int(30, 1500));
    case "setex": return g.cmd(s, k, "SETEX", k, 1, g.value());
    case "psetex": return g.cmd(s, k, "PSETEX", k, g.int(20, 800), g.value());
    case "pexpire": return g.cmd(s, k, "PEXPIRE", k, g.int(10, 900));
    case "pastAt": {
      const ms = r.chance(0.5);
      return g.cmd(s, k, ms ? "PEXPIREAT" : "EXPIREAT", k, g.absTime(ms ? "ms" : "s", 1));
    }
    case "set": return g.cmd(s, k, "SET", k, g.value(), "PXAT", g.absTime("ms", 0.5));
    default: return g.cmd(s, k, "DEL", k);
  }
};
