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

/** The oldest RDB version that knows each value type byte (rdb.h history); 255: none. */
const FIRST_RDB_VERSION = new Uint8Array(256).fill(255);
for (const [version, types] of [
  [1, [0, 1, 2, 3, 4]],
  [2, [9, 10, 11, 12, 13]],
  [7, [14]],
  [8, [5, 7]],
  [9, [15]],
  [10, [16, 17, 18, 19]],
  [11, [20, 21]],
  [12, [24, 25]],
] as [number, number[]][]) {
  for (const t of types) FIRST_RDB_VERSION[t] = version;
}

/**
 * True when a RESTORE payload built from this value's serialized bytes is understood by a server
 * of `destRdbVersion`. Valkey files reuse type bytes >= 22 with other meanings, and Redis' 7.4
 * release candidates used 22/23: those always take the typed-command path.
 */
export function restorable(rdbType: number, sourceMagic: "REDIS" | "VALKEY", destRdbVersion: number): boolean {
  if (rdbType >= 22 && sourceMagic === "VALKEY") return false;
  return FIRST_RDB_VERSION[rdbType & 0xff] <= destRdbVersion;
}
