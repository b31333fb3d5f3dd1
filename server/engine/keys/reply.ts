/**
 * Helpers that read ioredis `callBuffer` replies. The shapes differ a little between RESP2 and RESP3
 * (ioredis 6 speaks RESP3 by default, with maps flattened to arrays and doubles as bulk strings), and
 * a server may send anything: every helper checks what it gets.
 */

export type Reply = Buffer | string | number | bigint | null | Reply[] | Error;

/** An error reply where a value was expected is thrown as it is: the caller knows the server's words. */
export function asBuffer(r: unknown, what: string): Buffer {
  if (Buffer.isBuffer(r)) return r;
  if (r instanceof Error) throw r;
  if (typeof r === "string") return Buffer.from(r);
  if (typeof r === "number" || typeof r === "bigint") return Buffer.from(String(r));
  throw new Error(`unexpected reply for ${what}: ${describe(r)}`);
}

export function asText(r: unknown, what: string): string {
  return asBuffer(r, what).toString("latin1");
}

export function asInt(r: unknown, what: string): number {
  if (typeof r === "number") return r;
  if (typeof r === "bigint") return Number(r);
  const text = asText(r, what);
  if (!/^-?\d+$/.test(text)) throw new Error(`unexpected reply for ${what}: not an integer`);
  return Number(text);
}

/** `inf`, `-inf`, `1.5`, `1e+20`: the way Redis prints doubles (%.17g round-trips exactly). */
export function asScore(r: unknown, what: string): number {
  if (typeof r === "number") return r;
  const text = asText(r, what).toLowerCase();
  if (text === "inf" || text === "+inf") return Infinity;
  if (text === "-inf") return -Infinity;
  const n = Number(text);
  if (Number.isNaN(n)) throw new Error(`unexpected reply for ${what}: not a score`);
  return n;
}

export function asArray(r: unknown, what: string): unknown[] {
  if (Array.isArray(r)) return r;
  if (r instanceof Error) throw r;
  throw new Error(`unexpected reply for ${what}: ${describe(r)}`);
}

/** RESP3 answers some commands with [[a, b], [c, d]] where RESP2 says [a, b, c, d]. */
export function flatPairs(r: unknown, what: string): unknown[] {
  const arr = asArray(r, what);
  if (arr.length > 0 && Array.isArray(arr[0])) return arr.flatMap((p) => asArray(p, what));
  return arr;
}

/** A flattened map reply ([name, value, name, value, …]) as a lookup by field name. */
export function asRecord(r: unknown, what: string): Map<string, unknown> {
  const arr = asArray(r, what);
  const out = new Map<string, unknown>();
  for (let i = 0; i + 1 < arr.length; i += 2) out.set(asText(arr[i], what), arr[i + 1]);
  return out;
}

function describe(r: unknown): string {
  if (r === null) return "nil";
  if (r instanceof Error) return r.message;
  return Array.isArray(r) ? "an array" : typeof r;
}
