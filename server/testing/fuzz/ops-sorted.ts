import type { Family, Gen } from "./gen-context";
import type { Scope } from "./keyspace";
import type { Arg } from "./op";

/** Sorted sets, geo indexes and HyperLogLogs, with their *STORE commands. */

function score(g: Gen): string {
  const r = g.r;
  switch (r.int(8)) {
    case 0: return r.pick(["0.1", "-0.5", "1e3", "3.14159", "0"]);
    case 1: return r.pick(["+inf", "-inf", String(g.int(-5, 5))]);
    default: return String(g.int(-50, 50));
  }
}

export const zsetOps: Family = (g) => {
  const s = g.scope();
  const r = g.r;
  const k = g.key("zst", s);
  switch (r.weighted({ zadd: 6, zincrby: 3, zrem: 2, remlex: 1, remrank: 1, remscore: 1, store: 3, rangestore: 1, pop: 2, mpop: 1, bpop: 1 })) {
    case "zadd": {
      const flags: string[] = [];
      if (r.chance(0.2)) flags.push(r.pick(["NX", "XX"]));
      if (r.chance(0.15) && !flags.includes("NX")) flags.push(r.pick(["GT", "LT"]));
      if (r.chance(0.2)) flags.push("CH");
      if (r.chance(0.1)) return g.cmd(s, k, "ZADD", k, ...flags, "INCR", score(g), g.member("z", 25));
      return g.cmd(s, k, "ZADD", k, ...flags, ...Array.from({ length: g.int(1, 5) }, () => [score(g), g.member("z", 25)]).flat());
    }
    case "zincrby": return g.cmd(s, k, "ZINCRBY", k, score(g), g.member("z", 25));
    case "zrem": return g.cmd(s, k, "ZREM", k, ...Array.from({ length: g.int(1, 3) }, () => g.member("z", 25)));
    case "remlex": return g.cmd(s, k, "ZREMRANGEBYLEX", k, r.pick(["-", "[z1", "(z2"]), r.pick(["+", "[z15", "(z3"]));
    case "remrank": return g.cmd(s, k, "ZREMRANGEBYRANK", k, g.int(0, 3), g.int(-3, 5));
    case "remscore": return g.cmd(s, k, "ZREMRANGEBYSCORE", k, r.pick(["-inf", "(0", String(g.int(-50, 0))]), r.pick(["+inf", String(g.int(0, 50)), "(10"]));
    case "store": {
      const [dst, ...srcs] = g.keys("zst", s, g.int(2, 4));
      const cmd = r.pick(["ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"]);
      const extra: Arg[] = [];
      if (cmd !== "ZDIFFSTORE") {
        if (r.chance(0.4)) extra.push("WEIGHTS", ...srcs.map(() => r.pick(["1", "2", "0.5", "-1"])));
        if (r.chance(0.4)) extra.push("AGGREGATE", r.pick(["SUM", "MIN", "MAX"]));
      }
      return g.cmd(s, dst, cmd, dst, srcs.length, ...srcs, ...extra);
    }
    case "rangestore": {
      const [dst, src] = g.keys("zst", s, 2);
      return r.chance(0.5)
        ? g.cmd(s, dst, "ZRANGESTORE", dst, src, 0, g.int(-1, 10))
        : g.cmd(s, dst, "ZRANGESTORE", dst, src, "-10", "(30", "BYSCORE", ...(r.chance(0.5) ? ["LIMIT", 0, g.int(1, 5)] : []));
    }
    case "pop": return g.cmd(s, k, r.pick(["ZPOPMIN", "ZPOPMAX"]), k, ...(r.chance(0.4) ? [g.int(1, 3)] : []));
    case "mpop": {
      const ks = g.keys("zst", s, g.int(1, 3));
      return g.cmd(s, ks[0], "ZMPOP", ks.length, ...ks, r.pick(["MIN", "MAX"]), ...(r.chance(0.5) ? ["COUNT", g.int(1, 3)] : []));
    }
    default: {
      const ks = g.keys("zst", s, g.int(1, 2));
      return g.cmd(s, ks[0], r.pick(["BZPOPMIN", "BZPOPMAX"]), ...ks, "0.01");
    }
  }
};

function lonLat(g: Gen): [string, string] {
  return [(13 + g.r.float() * 3).toFixed(6), (37 + g.r.float() * 2).toFixed(6)];
}

/** SORT / GEORADIUS … STORE write a key the command does not declare first: one slot unless the engine can route them. */
function storeScope(g: Gen): Scope {
  return g.scope(g.clusterTarget && !g.sw.storeAcrossSlots);
}

export const geoOps: Family = (g) => {
  const r = g.r;
  switch (r.weighted({ geoadd: 5, radius: 2, bymember: 1, search: 2 })) {
    case "geoadd": {
      const s = g.scope();
      const k = g.key("geo", s);
      return g.cmd(s, k, "GEOADD", k, ...Array.from({ length: g.int(1, 3) }, () => [...lonLat(g), g.member("p", 15)]).flat());
    }
    case "radius": {
      const s = storeScope(g);
      const [src, dst] = g.keys("geo", s, 2);
      return g.cmd(s, src, "GEORADIUS", src, ...lonLat(g), g.int(10, 300), "km", r.pick(["STORE", "STOREDIST"]), dst);
    }
    case "bymember": {
      const s = storeScope(g);
      const [src, dst] = g.keys("geo", s, 2);
      return g.cmd(s, src, "GEORADIUSBYMEMBER", src, g.member("p", 15), g.int(10, 300), "km", "STORE", dst);
    }
    default: {
      const s = g.scope();
      const [dst, src] = g.keys("geo", s, 2);
      return g.cmd(s, dst, "GEOSEARCHSTORE", dst, src, "FROMLONLAT", ...lonLat(g), "BYRADIUS", g.int(10, 300), "km", ...(r.chance(0.5) ? ["STOREDIST"] : []));
    }
  }
};

export const hllOps: Family = (g) => {
  const s = g.scope();
  const r = g.r;
  switch (r.weighted({ pfadd: 5, pfmerge: 2, pfcount: 1 })) {
    case "pfadd": {
      const k = g.key("hll", s);
      return g.cmd(s, k, "PFADD", k, ...Array.from({ length: g.int(1, 8) }, () => g.member("h", 500)));
    }
    case "pfmerge": {
      const [dst, ...srcs] = g.keys("hll", s, g.int(2, 3));
      return g.cmd(s, dst, "PFMERGE", dst, ...srcs);
    }
    default: {
      // PFCOUNT may rewrite the cached cardinality: the source replicates that write too
      const k = g.key("hll", s);
      return g.cmd(s, k, "PFCOUNT", k);
    }
  }
};

export { storeScope };
