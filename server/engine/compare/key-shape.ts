import type { Redis } from "ioredis";
import { asInt, asText } from "../keys/reply";

/**
 * What quick mode compares: type, element count and whether a TTL is set. Two pipelines per batch
 * (TYPE + PTTL, then the type's length command), never a value.
 */
export interface KeyShape {
  type: string;
  /** STRLEN / LLEN / SCARD / ZCARD / HLEN / XLEN; -1 for a module type */
  length: number;
  hasTtl: boolean;
}

const LENGTH_COMMAND: Record<string, string> = { string: "STRLEN", list: "LLEN", set: "SCARD", zset: "ZCARD", hash: "HLEN", stream: "XLEN" };

export async function readShapes(client: Redis, keys: Buffer[]): Promise<(KeyShape | null)[]> {
  if (keys.length === 0) return [];
  const head = client.pipeline();
  for (const k of keys) head.callBuffer("TYPE", k).callBuffer("PTTL", k);
  const heads = unwrap(await head.exec());
  const types = keys.map((_, i) => asText(heads[i * 2], "TYPE"));
  const lengths = client.pipeline();
  types.forEach((t, i) => (LENGTH_COMMAND[t] ? lengths.callBuffer(LENGTH_COMMAND[t], keys[i]) : lengths.callBuffer("ECHO", "-1")));
  const sizes = (await lengths.exec()) ?? [];
  return types.map((type, i) => {
    if (type === "none") return null;
    const [err, size] = sizes[i] ?? [];
    // WRONGTYPE: the key changed between the pipelines; -2 makes it differ, so it is checked again
    const length = err ? -2 : asInt(size, LENGTH_COMMAND[type] ?? "length");
    return { type, length, hasTtl: asInt(heads[i * 2 + 1], "PTTL") >= 0 };
  });
}

function unwrap(results: [Error | null, unknown][] | null): unknown[] {
  return (results ?? []).map(([err, res]) => {
    if (err) throw err;
    return res;
  });
}
