import { DtsError } from "../../../errors";
import { redisTypeOf } from "../../rdb/constants";
import type { RdbKeyEntry } from "../../rdb/types";

/** 2 bytes of RDB version and 8 of CRC64 close every DUMP payload. */
const TRAILER = 10;

/**
 * A DUMP payload as the key entry the RDB parser would have emitted for the same value: the type
 * byte and the serialized value are `raw`, the version in the payload's trailer is `rdbVersion`.
 * So the loader writes a scanned key exactly as a key of an RDB: RESTORE when the destination
 * reads that encoding (with the payload version it understands), typed commands otherwise.
 * The CRC is not checked here: the destination checks the one the loader computes, and the source
 * computed this one over what it holds.
 */
export function dumpEntry(db: number, key: Buffer, payload: Buffer, pttl: number, now: number): RdbKeyEntry {
  if (payload.length <= TRAILER) throw new DtsError("NOT_REDIS", `DUMP of a key answered ${payload.length} bytes, too short for a payload`);
  const raw = payload.subarray(0, payload.length - TRAILER);
  const rdbType = raw[0];
  const type = redisTypeOf(rdbType);
  if (!type) throw new DtsError("RDB_UNSUPPORTED", `DUMP of a key has the value type ${rdbType}, which this version does not know`);
  return {
    db,
    key,
    rdbType,
    type,
    // PTTL is relative: made absolute at the moment it was read, as a replica would
    expireAt: pttl >= 0 ? now + pttl : null,
    raw,
    rdbVersion: payload.readUInt16LE(payload.length - TRAILER),
  };
}
