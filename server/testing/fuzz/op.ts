/**
 * One generated operation: data only, so a sequence can be printed, searched for the ops that touched
 * a key, and replayed. `key` routes it on a cluster source (every key of one op shares its slot there);
 * `db` is the source database it runs in (SELECTed first on a standalone source).
 */
export type Arg = string | number | Buffer | AbsTime;

/**
 * An absolute expiry time relative to the moment the op runs (EXPIREAT, SET … PXAT): the generated
 * sequence stays the same from run to run while the time is real. A negative offset is in the past.
 */
export interface AbsTime {
  abs: "s" | "ms";
  offsetMs: number;
}

export function isAbsTime(a: Arg): a is AbsTime {
  return typeof a === "object" && !Buffer.isBuffer(a);
}

/** The argument as sent, with absolute times resolved against `now`. */
export function resolveArg(a: Arg, now: number): string | number | Buffer {
  if (!isAbsTime(a)) return a;
  const at = now + a.offsetMs;
  return a.abs === "s" ? Math.floor(at / 1000) : at;
}

export interface TxCmd {
  argv: Arg[];
  /** SELECT this database inside the transaction before the command */
  select?: number;
}

export type Op =
  /** one command */
  | { t: "cmd"; id: string; db: number; key: Buffer | null; argv: Arg[] }
  /** MULTI, the commands, EXEC (or DISCARD) on one connection */
  | { t: "tx"; id: string; db: number; key: Buffer; cmds: TxCmd[]; discard: boolean }
  /** EVALSHA of `script`; the executor loads it (SCRIPT LOAD) when the server answers NOSCRIPT */
  | { t: "evalsha"; id: string; db: number; key: Buffer | null; script: string; keys: Buffer[]; args: Arg[] }
  /** a keyless command on every source master in turn ("each") or on master number `master` */
  | { t: "masters"; id: string; db: number; master: number | "each"; argv: Arg[] }
  /**
   * `pre` on the op's connection, then `block` on a connection of its own (it blocks), then `serve`
   * from the op's connection once the server shows that client blocked; the blocked call must return.
   */
  | { t: "block"; id: string; db: number; key: Buffer; pre: Arg[][]; block: Arg[]; serve: Arg[][] }
  /** DUMP `from`, then RESTORE `to` with that payload and `args` (ttl first) */
  | { t: "restore"; id: string; db: number; key: Buffer; from: Buffer; to: Buffer; ttl: Arg; options: Arg[] }
  /** PUBLISH `message` on `channel` (recorded so the destination's subscriber can be checked) */
  | { t: "publish"; id: string; db: number; channel: string; message: string };

/** Every argument of an op, for finding the ops that mention a key. */
export function opArgs(op: Op): Arg[] {
  switch (op.t) {
    case "cmd":
    case "masters":
      return op.argv;
    case "tx":
      return op.cmds.flatMap((c) => c.argv);
    case "evalsha":
      return [...op.keys, ...op.args];
    case "block":
      return [...op.pre.flat(), ...op.block, ...op.serve.flat()];
    case "restore":
      return [op.from, op.to];
    case "publish":
      return [op.channel, op.message];
  }
}

export function mentions(op: Op, key: Buffer): boolean {
  return opArgs(op).some((a) => (Buffer.isBuffer(a) ? a.equals(key) : false));
}

/** One op as a line a person can read (binary bytes escaped, long values cut). */
export function formatOp(op: Op): string {
  const show = (a: Arg) => {
    const s = Buffer.isBuffer(a) ? escape(a) : isAbsTime(a) ? `<now${a.offsetMs >= 0 ? "+" : ""}${a.offsetMs}ms${a.abs === "s" ? " in s" : ""}>` : String(a);
    return s.length > 60 ? `${s.slice(0, 57)}…` : s;
  };
  const line = (argv: Arg[]) => argv.map(show).join(" ");
  const where = `[${op.id} db${op.db}]`;
  switch (op.t) {
    case "cmd":
      return `${where} ${line(op.argv)}`;
    case "tx":
      return `${where} MULTI; ${op.cmds.map((c) => `${c.select !== undefined ? `SELECT ${c.select}; ` : ""}${line(c.argv)}`).join("; ")}; ${op.discard ? "DISCARD" : "EXEC"}`;
    case "evalsha":
      return `${where} EVALSHA <${op.script.slice(0, 50).replace(/\s+/g, " ")}…> ${op.keys.length} ${line([...op.keys, ...op.args])}`;
    case "masters":
      return `${where} on ${op.master === "each" ? "every master" : `master ${op.master}`}: ${line(op.argv)}`;
    case "block":
      return `${where} ${op.pre.map(line).map((l) => `${l}; `).join("")}(blocked) ${line(op.block)}; served by ${op.serve.map(line).join("; ") || "nothing (times out)"}`;
    case "restore":
      return `${where} DUMP ${show(op.from)} → RESTORE ${show(op.to)} ${show(op.ttl)} <payload> ${line(op.options)}`;
    case "publish":
      return `${where} PUBLISH ${op.channel} ${op.message}`;
  }
}

function escape(b: Buffer): string {
  let out = "";
  for (const c of b) out += c >= 0x20 && c < 0x7f && c !== 0x5c ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, "0")}`;
  return out;
}
