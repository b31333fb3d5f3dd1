import { commandName } from "./command-spec";

/**
 * Commands that give the same result when applied twice: after a lost destination connection they
 * are simply sent again. Anything else whose outcome is unknown goes to the task's uncertainty
 * policy (see SyncTask), because sending an INCR or an RPUSH twice changes the data.
 */
const SAFE = new Set([
  "set", "setnx", "mset", "del", "unlink", "hset", "hmset", "hsetnx", "hdel", "sadd", "srem", "zrem", "pexpireat", "persist",
  "setbit", "setrange", "pfadd", "ltrim", "lset", "xdel", "xack", "xsetid", "xgroup", "xclaim", "function", "script", "flushdb",
  "flushall", "restore", "copy", "zremrangebyscore", "zremrangebylex", "expireat", "hpexpireat", "hexpireat", "hpersist", "getdel",
]);

export function isReplaySafe(argv: readonly Buffer[], name = commandName(argv[0])): boolean {
  if (name === "zadd") return !argv.some((a) => a.length === 4 && a.toString().toLowerCase() === "incr");
  if (name === "restore") return argv.some((a) => a.length === 7 && a.toString().toLowerCase() === "replace");
  if (name === "copy") return argv.some((a) => a.length === 7 && a.toString().toLowerCase() === "replace");
  // XADD with an explicit id (what Redis replicates) fails harmlessly the second time; "*" would add twice.
  if (name === "xadd") return argv.length > 2 && argv.every((a) => a.length !== 1 || a[0] !== 42);
  return SAFE.has(name);
}
