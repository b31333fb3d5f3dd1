import type { CommandRunner } from "../keys/command-runner";
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

export async function readShapes(client: CommandRunner, keys: Buffer[]): Promise<(KeyShape | null)[]> {
  if (keys.length === 0) return [];
  const heads = unwrap(await client.batch(keys.flatMap((k) => [["TYPE", k], ["PTTL", k]])));
  const types = keys.map((_, i) => asText(heads[i * 2], "TYPE"));
  const sizes = await client.batch(types.map((t, i) => (LENGTH_COMMAND[t] ? [LENGTH_COMMAND[t], keys[i]] : ["ECHO", "-1"])));
  return types.map((type, i) => {
    if (type === "none") return null;
    const size = sizes[i];
    // WRONGTYPE: the key changed between the pipelines; -2 makes it differ, so it is checked again
    const length = size instanceof Error ? -2 : asInt(size, LENGTH_COMMAND[type] ?? "length");
    return { type, length, hasTtl: asInt(heads[i * 2 + 1], "PTTL") >= 0 };
  });
}

function unwrap(replies: unknown[]): unknown[] {
  for (const r of replies) if (r instanceof Error) throw r;
  return replies;
}
