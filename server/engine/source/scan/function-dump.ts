import type { Redis } from "ioredis";

/**
 * The source node's Functions libraries as one FUNCTION DUMP payload, or null when it holds none or
 * has no Functions (before 7.0). Libraries change without a keyspace notification, so the scan
 * reader asks again every few seconds and restores the payload when it changed.
 */
export async function dumpFunctions(client: Redis): Promise<Buffer | null> {
  let list: unknown;
  try {
    list = await client.call("FUNCTION", "LIST");
  } catch {
    return null;
  }
  if (!Array.isArray(list) || list.length === 0) return null;
  return (await client.callBuffer("FUNCTION", "DUMP")) as Buffer;
}
