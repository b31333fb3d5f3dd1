import { OWN_KEY_PATTERN } from "../own-keys";
import { keyspaceCounts, parseInfo } from "../topology/info";

/**
 * Key counts without redis-dts's own keys. INFO keyspace counts every key, the product's heartbeats,
 * fences and temporary keys included; every figure shown to an operator (precheck, wizard, status
 * page, verification) subtracts them. They are found with SCAN MATCH, which the server filters, so
 * only own keys cross the network; a database larger than `limit` is not scanned (its own keys, a
 * few per task and slot, do not change what such a figure tells).
 */
export const OWN_KEY_SCAN_LIMIT = 200_000;

/** one command on one connection, the reply as the client returns it (strings or Buffers) */
export type CallCommand = (command: string, ...args: Array<string | number>) => Promise<unknown>;

/** Own keys of the connection's current database; null when it holds more than `limit` keys. */
export async function countOwnKeys(call: CallCommand, dbKeys: number, limit = OWN_KEY_SCAN_LIMIT): Promise<number | null> {
  if (dbKeys === 0) return 0;
  if (dbKeys > limit) return null;
  // a Set, not a sum: SCAN may return a key twice while the server rehashes
  const seen = new Set<string>();
  let cursor = "0";
  do {
    const reply = (await call("SCAN", cursor, "MATCH", OWN_KEY_PATTERN, "COUNT", 1000)) as [unknown, unknown[]];
    cursor = String(reply[0]);
    for (const k of reply[1]) seen.add(Buffer.isBuffer(k) ? k.toString("latin1") : String(k));
  } while (cursor !== "0");
  return seen.size;
}

/**
 * Own keys per database of one node, for the databases INFO keyspace lists. Selects each database on
 * the connection in turn and returns it to database 0. An account that may not SCAN (or SELECT)
 * gets the counts found so far: the figures then include own keys, as INFO does.
 */
export async function ownKeysPerDb(call: CallCommand, keyspace: Map<number, number>, limit = OWN_KEY_SCAN_LIMIT): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  let selected = 0;
  try {
    for (const [db, keys] of keyspace) {
      if (keys === 0 || keys > limit) continue;
      if (db !== selected) await call("SELECT", db);
      selected = db;
      const own = await countOwnKeys(call, keys, limit);
      if (own) out.set(db, own);
    }
  } catch (err) {
    if ((err as Error)?.name !== "ReplyError") throw err;
  } finally {
    if (selected !== 0) await call("SELECT", 0).catch(() => {});
  }
  return out;
}

/** INFO keyspace counts less the own keys: databases holding only own keys disappear. */
export function withoutOwnKeys(keyspace: Map<number, number>, own: Map<number, number>): Map<number, number> {
  const out = new Map<number, number>();
  for (const [db, keys] of keyspace) {
    const data = keys - (own.get(db) ?? 0);
    if (data > 0) out.set(db, data);
  }
  return out;
}

/** Data keys per database of one node: INFO keyspace less the own keys. */
export async function dataKeysPerDb(call: CallCommand, limit = OWN_KEY_SCAN_LIMIT): Promise<Map<number, number>> {
  const keyspace = keyspaceCounts(parseInfo(String(await call("INFO", "keyspace"))));
  return withoutOwnKeys(keyspace, await ownKeysPerDb(call, keyspace, limit));
}
