/**
 * Relative expiries in the stream (EXPIRE 10, SETEX, SET … EX) are turned into absolute times at the
 * moment the command was received: applied late (lag, a restart replaying the backlog) they would
 * otherwise live longer on the destination than on the source. Redis 7 already replicates absolute
 * times (PXAT/PEXPIREAT); older sources do not.
 */

const buf = (s: string | number) => Buffer.from(String(s));

function msFrom(arg: Buffer | undefined, unitMs: number, receivedAt: number): number | null {
  if (!arg) return null;
  const n = Number(arg.toString());
  if (!Number.isFinite(n) || !Number.isInteger(n)) return null;
  return receivedAt + n * unitMs;
}

/** SET/GETEX option lists: EX/PX → PXAT, EXAT → PXAT. Returns null when nothing changes. */
function rewriteOptions(argv: Buffer[], from: number, receivedAt: number): Buffer[] | null {
  for (let i = from; i < argv.length - 1; i++) {
    const opt = argv[i].toString().toLowerCase();
    const unit = opt === "ex" ? 1000 : opt === "px" ? 1 : 0;
    if (unit === 0) continue;
    const at = msFrom(argv[i + 1], unit, receivedAt);
    if (at === null) return null;
    const out = argv.slice();
    out[i] = buf("PXAT");
    out[i + 1] = buf(at);
    return out;
  }
  return null;
}

export function absoluteExpiry(name: string, argv: Buffer[], receivedAt: number): Buffer[] {
  switch (name) {
    case "expire":
    case "pexpire": {
      const at = msFrom(argv[2], name === "expire" ? 1000 : 1, receivedAt);
      return at === null ? argv : [buf("PEXPIREAT"), argv[1], buf(at), ...argv.slice(3)];
    }
    case "expireat": {
      const at = msFrom(argv[2], 1000, 0);
      return at === null ? argv : [buf("PEXPIREAT"), argv[1], buf(at), ...argv.slice(3)];
    }
    case "setex":
    case "psetex": {
      const at = msFrom(argv[2], name === "setex" ? 1000 : 1, receivedAt);
      return at === null || argv.length !== 4 ? argv : [buf("SET"), argv[1], argv[3], buf("PXAT"), buf(at)];
    }
    case "set":
      return rewriteOptions(argv, 3, receivedAt) ?? argv;
    case "getex":
      return rewriteOptions(argv, 2, receivedAt) ?? argv;
    case "restore": {
      // RESTORE key ttl payload [REPLACE] [ABSTTL] …: a relative ttl > 0 becomes absolute.
      if (argv.length < 4 || argv.slice(4).some((a) => a.toString().toLowerCase() === "absttl")) return argv;
      const ttl = Number(argv[2].toString());
      if (!Number.isInteger(ttl) || ttl <= 0) return argv;
      return [argv[0], argv[1], buf(receivedAt + ttl), ...argv.slice(3), buf("ABSTTL")];
    }
    default:
      return argv;
  }
}
