import type { ServerIdentity } from "../topology/probe";
import { majorMinor } from "../topology/info";

/**
 * What a destination server can take: the RDB version it writes (and so the newest DUMP payloads
 * it accepts) and which commands exist there. Valkey reports the Redis version it is compatible
 * with in redis_version (7.2.x for Valkey 7.2 and 8), which is what matters here.
 */
export interface DestinationCapabilities {
  rdbVersion: number;
  /** RESTORE ... ABSTTL / IDLETIME / FREQ (5.0+) */
  restoreAbsTtl: boolean;
  /** RESTORE ... REPLACE (3.0+) */
  restoreReplace: boolean;
  /** XSETID ENTRIESADDED/MAXDELETEDID and XGROUP CREATE ... ENTRIESREAD (7.0+) */
  streamMeta7: boolean;
  /** XGROUP CREATECONSUMER (6.2+) */
  createConsumer: boolean;
  /** FUNCTION LOAD (7.0+) */
  functions: boolean;
  /** HPEXPIREAT (Redis 7.4+) */
  hashFieldExpiry: boolean;
  /** streams exist at all (5.0+) */
  streams: boolean;
}

const RDB_BY_VERSION: [number, number, number][] = [
  // [major, minor, rdb version]: the first row whose version is <= the server's wins
  [7, 4, 12],
  [7, 2, 11],
  [7, 0, 10],
  [5, 0, 9],
  [4, 0, 8],
  [3, 2, 7],
  [2, 6, 6],
];

export function rdbVersionFor(redisVersion: string): number {
  const mm = majorMinor(redisVersion) ?? [7, 0];
  for (const [major, minor, rdb] of RDB_BY_VERSION) if (mm[0] > major || (mm[0] === major && mm[1] >= minor)) return rdb;
  return 6;
}

export function capabilitiesOf(server: Pick<ServerIdentity, "redisVersion">): DestinationCapabilities {
  const mm = majorMinor(server.redisVersion) ?? [7, 0];
  const atLeast = (major: number, minor: number) => mm[0] > major || (mm[0] === major && mm[1] >= minor);
  return {
    rdbVersion: rdbVersionFor(server.redisVersion),
    restoreAbsTtl: atLeast(5, 0),
    restoreReplace: atLeast(3, 0),
    streamMeta7: atLeast(7, 0),
    createConsumer: atLeast(6, 2),
    functions: atLeast(7, 0),
    hashFieldExpiry: atLeast(7, 4),
    streams: atLeast(5, 0),
  };
}

/** The oldest RDB version that knows each value type byte (rdb.h history). */
const FIRST_RDB_VERSION: Record<number, number> = {
  0: 1, 1: 1, 2: 1, 3: 1, 4: 1,
  9: 2, 10: 2, 11: 2, 12: 2, 13: 2,
  14: 7,
  5: 8, 7: 8,
  15: 9,
  16: 10, 17: 10, 18: 10, 19: 10,
  20: 11, 21: 11,
  24: 12, 25: 12,
};

/**
 * True when a RESTORE payload built from this value's serialized bytes is understood by a server
 * of `destRdbVersion`. Valkey files reuse type bytes >= 22 with other meanings, and Redis' 7.4
 * release candidates used 22/23: those always take the typed-command path.
 */
export function restorable(rdbType: number, sourceMagic: "REDIS" | "VALKEY", destRdbVersion: number): boolean {
  if (rdbType >= 22 && sourceMagic === "VALKEY") return false;
  const first = FIRST_RDB_VERSION[rdbType];
  return first !== undefined && first <= destRdbVersion;
}
