import { commandName } from "../commands/command-spec";

/**
 * Commands that write constants into fixed places of their own keys (a value, a field, a member, an
 * expiry, a range of bytes): applied twice they give the same result, and so does a whole run of
 * them sent again in order after it ran. Anything else (INCR, RPUSH, LTRIM 1 -1, COPY, which reads
 * another key) must not run twice: it is fenced (fence.ts), or without fences resent under the
 * task's uncertainty policy (see SyncTask). XCLAIM (what XREADGROUP and XAUTOCLAIM replicate) is not
 * safe: sent again once its entry was deleted from the stream, it removes the pending entry.
 */
const SAFE = new Set([
  "set", "setnx", "mset", "del", "unlink", "hset", "hmset", "hsetnx", "hdel", "sadd", "srem", "zrem", "pexpireat", "persist",
  "setbit", "setrange", "pfadd", "lset", "xdel", "xack", "xsetid", "xgroup", "function", "script", "flushdb",
  "flushall", "restore", "zremrangebyscore", "zremrangebylex", "expireat", "hpexpireat", "hexpireat", "hpersist", "getdel",
]);

export function isReplaySafe(argv: readonly Buffer[], name = commandName(argv[0])): boolean {
  if (name === "zadd") return !argv.some((a) => a.length === 4 && a.toString().toLowerCase() === "incr");
  if (name === "restore") return argv.some((a) => a.length === 7 && a.toString().toLowerCase() === "replace");
  // LTRIM 0 9 or -10 -1 keeps the same elements the second time; LTRIM 1 -1 drops one more each time
  if (name === "ltrim") return argv.length === 4 && /^(0|-\d+)$/.test(argv[2].toString()) && /^(-1|\d+)$/.test(argv[3].toString());
  // XADD with an explicit id (what Redis replicates) fails harmlessly the second time; "*" would add twice.
  if (name === "xadd") return argv.length > 2 && argv.every((a) => a.length !== 1 || a[0] !== 42);
  return SAFE.has(name);
}
