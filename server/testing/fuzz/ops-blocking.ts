import type { Family } from "./gen-context";
import type { Arg, Op } from "./op";

/**
 * Clients that block first and are served later by another connection's write: the source then
 * replicates the pop it served (LPOP, LMOVE, ZPOPMIN, XCLAIM…), not the blocking command. Each op
 * blocks on a fresh key, so it surely blocks; some are never served and time out (nothing replicated).
 */

const BLOCK_SECONDS = 10;

export const blockingOps: Family = (g) => {
  const r = g.r;
  const s = g.scope();
  const label = `b${g.phase}${g.conn}.${g.next()}`;
  const push = (k: Buffer): Arg[] => [r.pick(["RPUSH", "LPUSH"]), k, ...Array.from({ length: g.int(1, 3) }, () => g.member("e"))];
  const op = (key: Buffer, block: Arg[], serve: Arg[][], pre: Arg[][] = []): Op => ({ t: "block", id: "", db: s.db, key, pre, block, serve });
  switch (r.weighted({ blpop: 3, blpopTwo: 1, brpoplpush: 2, blmove: 2, blmpop: 1, bzpop: 2, bzmpop: 1, xreadgroup: 2, timeout: 1 })) {
    case "blpop": {
      const k = g.ks.fresh("lst", s, label);
      return op(k, [r.pick(["BLPOP", "BRPOP"]), k, BLOCK_SECONDS], [push(k)]);
    }
    case "blpopTwo": {
      // waits on two keys; the second one is pushed
      const k1 = g.ks.fresh("lst", s, `${label}a`);
      const k2 = g.ks.fresh("lst", s, `${label}b`);
      return op(k1, ["BLPOP", k1, k2, BLOCK_SECONDS], [push(k2)]);
    }
    case "brpoplpush": {
      const k = g.ks.fresh("lst", s, label);
      return op(k, ["BRPOPLPUSH", k, g.key("lst", s), BLOCK_SECONDS], [push(k)]);
    }
    case "blmove": {
      const k = g.ks.fresh("lst", s, label);
      return op(k, ["BLMOVE", k, g.key("lst", s), r.pick(["LEFT", "RIGHT"]), r.pick(["LEFT", "RIGHT"]), BLOCK_SECONDS], [push(k)]);
    }
    case "blmpop": {
      const k = g.ks.fresh("lst", s, label);
      return op(k, ["BLMPOP", BLOCK_SECONDS, 1, k, r.pick(["LEFT", "RIGHT"]), "COUNT", g.int(1, 3)], [push(k)]);
    }
    case "bzpop": {
      const k = g.ks.fresh("zst", s, label);
      return op(k, [r.pick(["BZPOPMIN", "BZPOPMAX"]), k, BLOCK_SECONDS], [["ZADD", k, g.int(0, 9), g.member("z"), g.int(0, 9), g.member("z")]]);
    }
    case "bzmpop": {
      const k = g.ks.fresh("zst", s, label);
      return op(k, ["BZMPOP", BLOCK_SECONDS, 1, k, r.pick(["MIN", "MAX"]), "COUNT", 2], [["ZADD", k, 1, "a", 2, "b", 3, "c"]]);
    }
    case "xreadgroup": {
      const k = g.ks.fresh("stm", s, label);
      return op(
        k,
        ["XREADGROUP", "GROUP", "g0", r.pick(["alice", "bob"]), "COUNT", 2, "BLOCK", BLOCK_SECONDS * 1000, "STREAMS", k, ">"],
        [["XADD", k, "*", "f", g.value()], ...(r.chance(0.5) ? [["XADD", k, "*", "g", "2"]] : [])],
        [["XGROUP", "CREATE", k, "g0", "$", "MKSTREAM"]],
      );
    }
    default: {
      const k = g.ks.fresh("lst", s, label);
      return op(k, [r.pick(["BLPOP", "BZPOPMIN"]), k, "0.05"], []);
    }
  }
};
