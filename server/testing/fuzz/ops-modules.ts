import type { Family } from "./gen-context";

/**
 * Commands of our test module `dtstype` (server/testing/modules/dtstype.c, issue 12): a module data
 * type, a multi-key command the server describes only by key specs (MERGE) and one only through
 * COMMAND GETKEYS (FILL). Only with the `moduleTypes` switch, on servers that loaded the module.
 */
export const moduleOps: Family = (g) => {
  if (!g.sw.moduleTypes) return null;
  const r = g.r;
  // a module command over several slots of a cluster destination cannot be split without knowing
  // what it does: the engine reports it (inexact) instead of applying it, so those stay in one slot
  const s = g.scope(g.clusterTarget);
  const k = g.key("mod", s);
  switch (r.weighted({ set: 4, append: 3, merge: 2, fill: 1 })) {
    case "set": return g.cmd(s, k, "DTSTYPE.SET", k, g.value());
    case "append": return g.cmd(s, k, "DTSTYPE.APPEND", k, g.value());
    case "merge": {
      const [dst, ...srcs] = g.keys("mod", s, g.int(2, 3));
      return g.cmd(s, dst, "DTSTYPE.MERGE", dst, srcs.length, ...srcs);
    }
    default: {
      const keys = g.keys("mod", s, g.int(1, 3));
      return g.cmd(s, keys[0], "DTSTYPE.FILL", g.value(), ...keys);
    }
  }
};
