import type { Family, Gen } from "./gen-context";
import type { Scope } from "./keyspace";
import type { Arg, Op } from "./op";

/**
 * Streams and consumer groups. Most streams take `*` IDs; each connection also owns a stream with
 * explicit, increasing IDs (so XDEL, XCLAIM, XACK and MINID can name real entries). Entries whose
 * IDs only the server knows are acknowledged, claimed and deleted by small scripts that look them up.
 */

const GROUPS = ["g0", "g1", "g2"];
const CONSUMERS = ["alice", "bob", "carol", "dave"];

/** the explicit-ID stream of this connection in a scope */
function ownStream(g: Gen, s: Scope): Buffer {
  return g.ks.fresh("stm", s, `x${g.conn}`);
}

function fields(g: Gen): Arg[] {
  return Array.from({ length: g.int(1, 3) }, () => [g.member("f", 6), g.value()]).flat();
}

/** the stream to work on: a shared `*` stream, or this connection's explicit-ID one */
function pickStream(g: Gen, s: Scope): { key: Buffer; own: boolean } {
  return g.r.chance(0.3) ? { key: ownStream(g, s), own: true } : { key: g.key("stm", s), own: false };
}

const ACK_PENDING = "local p = redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', tonumber(ARGV[2])) for _, e in ipairs(p) do redis.call('XACK', KEYS[1], ARGV[1], e[1]) end return #p";
const CLAIM_PENDING = "local p = redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1) if p[1] then return redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, p[1][1], 'RETRYCOUNT', ARGV[3]) end return 0";
const DELETE_FIRST = "local e = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', tonumber(ARGV[1])) for _, x in ipairs(e) do redis.call('XDEL', KEYS[1], x[1]) end return #e";

function script(g: Gen, s: Scope, key: Buffer, body: string, args: Arg[]): Op {
  return { t: "evalsha", id: "", db: s.db, key, script: body, keys: [key], args };
}

export const streamOps: Family = (g) => {
  const s = g.scope();
  const r = g.r;
  const { key, own } = pickStream(g, s);
  const group = r.pick(GROUPS);
  const consumer = r.pick(CONSUMERS);
  switch (r.weighted({ xadd: 8, xtrim: 1, xdel: 2, setid: 1, create: 3, groupSetid: 1, createConsumer: 1, delConsumer: 1, destroy: 0.3, read: 5, ack: 2, claim: 2, autoclaim: 2 })) {
    case "xadd": {
      const trim: Arg[] = r.chance(0.2) ? ["MAXLEN", r.pick(["=", "~"]), g.int(5, 60)] : [];
      const nomk: Arg[] = r.chance(0.1) ? ["NOMKSTREAM"] : [];
      const id = own ? g.nextStreamId() : r.chance(0.1) ? `${g.int(1, 9)}-*` : "*";
      return g.cmd(s, key, "XADD", key, ...nomk, ...trim, id, ...fields(g));
    }
    case "xtrim":
      return own && r.chance(0.5)
        ? g.cmd(s, key, "XTRIM", key, "MINID", r.pick(["=", "~"]), g.oldStreamId())
        : r.chance(0.3)
          ? g.cmd(s, key, "XTRIM", key, "MAXLEN", "~", g.int(3, 50), "LIMIT", g.int(1, 100))
          : g.cmd(s, key, "XTRIM", key, "MAXLEN", r.pick(["=", "~"]), g.int(3, 50));
    case "xdel":
      return own ? g.cmd(s, key, "XDEL", key, g.oldStreamId(), ...(r.chance(0.3) ? [g.oldStreamId()] : [])) : script(g, s, key, DELETE_FIRST, [g.int(1, 2)]);
    case "setid":
      // only forward on the explicit stream (its next IDs must stay valid), to its own last ID elsewhere
      return own ? g.cmd(s, key, "XSETID", key, g.nextStreamId(), ...(r.chance(0.5) ? ["ENTRIESADDED", 100000 + g.int(0, 1000), "MAXDELETEDID", "0-1"] : [])) : g.cmd(s, key, "XSETID", key, "0-1");
    case "create":
      return g.cmd(s, key, "XGROUP", "CREATE", key, group, r.pick(["$", "0", "0-0"]), ...(r.chance(0.5) ? ["MKSTREAM"] : []), ...(r.chance(0.3) ? ["ENTRIESREAD", g.int(0, 5)] : []));
    case "groupSetid":
      return g.cmd(s, key, "XGROUP", "SETID", key, group, r.pick(["$", "0"]), ...(r.chance(0.3) ? ["ENTRIESREAD", g.int(0, 5)] : []));
    case "createConsumer": return g.cmd(s, key, "XGROUP", "CREATECONSUMER", key, group, consumer);
    case "delConsumer": return g.cmd(s, key, "XGROUP", "DELCONSUMER", key, group, consumer);
    case "destroy": return g.cmd(s, key, "XGROUP", "DESTROY", key, group);
    case "read":
      // only new entries (">"): reading a consumer's history (ID 0) raises delivery counts and creates
      // the consumer on the source without replicating either (a native Redis 7.0 replica differs too)
      return g.cmd(s, key, "XREADGROUP", "GROUP", group, consumer, "COUNT", g.int(1, 4), ...(r.chance(0.15) ? ["NOACK"] : []), "STREAMS", key, ">");
    case "ack":
      return own && r.chance(0.5) ? g.cmd(s, key, "XACK", key, group, g.oldStreamId(), g.oldStreamId()) : script(g, s, key, ACK_PENDING, [group, g.int(1, 3)]);
    case "claim":
      if (own && r.chance(0.5)) {
        const opts: Arg[] = [];
        if (r.chance(0.3)) opts.push("IDLE", g.int(0, 100000));
        else if (r.chance(0.3)) opts.push("TIME", g.absTime("ms", 0.9));
        if (r.chance(0.3)) opts.push("RETRYCOUNT", g.int(0, 9));
        if (r.chance(0.2)) opts.push("FORCE");
        if (r.chance(0.3)) opts.push("JUSTID");
        return g.cmd(s, key, "XCLAIM", key, group, consumer, 0, g.oldStreamId(), ...opts);
      }
      return script(g, s, key, CLAIM_PENDING, [group, consumer, g.int(0, 5)]);
    default:
      return g.cmd(s, key, "XAUTOCLAIM", key, group, consumer, 0, "0-0", "COUNT", g.int(1, 5), ...(r.chance(0.3) ? ["JUSTID"] : []));
  }
};
