import type { RedisType } from "../values/typed-value";
import { DtsError } from "../../errors";

/** Opcodes and value types of the RDB format (Redis rdb.h; Valkey rdb.h for the VALKEY magic). */
export const OP = {
  /** Valkey 9: slot import state. In Redis 8 the same byte is KEY_META, which we do not support. */
  SLOT_IMPORT: 243,
  SLOT_INFO: 244,
  FUNCTION2: 245,
  FUNCTION_PRE_GA: 246,
  MODULE_AUX: 247,
  IDLE: 248,
  FREQ: 249,
  AUX: 250,
  RESIZEDB: 251,
  EXPIRETIME_MS: 252,
  EXPIRETIME: 253,
  SELECTDB: 254,
  EOF: 255,
} as const;

export const T = {
  STRING: 0,
  LIST: 1,
  SET: 2,
  ZSET: 3,
  HASH: 4,
  ZSET_2: 5,
  MODULE_PRE_GA: 6,
  MODULE_2: 7,
  HASH_ZIPMAP: 9,
  LIST_ZIPLIST: 10,
  SET_INTSET: 11,
  ZSET_ZIPLIST: 12,
  HASH_ZIPLIST: 13,
  LIST_QUICKLIST: 14,
  STREAM_LISTPACKS: 15,
  HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17,
  LIST_QUICKLIST_2: 18,
  STREAM_LISTPACKS_2: 19,
  SET_LISTPACK: 20,
  STREAM_LISTPACKS_3: 21,
  /** Redis 7.4 RC: hash with field TTLs, absolute TTLs, no min-expire header. Valkey 9: HASH_2. */
  HASH_METADATA_PRE_GA: 22,
  HASH_LISTPACK_EX_PRE_GA: 23,
  HASH_METADATA: 24,
  HASH_LISTPACK_EX: 25,
} as const;

export const QUICKLIST_PLAIN = 1;
export const QUICKLIST_PACKED = 2;

export const MODULE_OP = { EOF: 0, SINT: 1, UINT: 2, FLOAT: 3, DOUBLE: 4, STRING: 5 } as const;

const TYPE_OF: (RedisType | undefined)[] = [];
for (const t of [0]) TYPE_OF[t] = "string";
for (const t of [1, 10, 14, 18]) TYPE_OF[t] = "list";
for (const t of [2, 11, 20]) TYPE_OF[t] = "set";
for (const t of [3, 5, 12, 17]) TYPE_OF[t] = "zset";
for (const t of [4, 9, 13, 16, 22, 23, 24, 25]) TYPE_OF[t] = "hash";
for (const t of [15, 19, 21]) TYPE_OF[t] = "stream";
for (const t of [6, 7]) TYPE_OF[t] = "module";

/** The Redis type of an RDB value type byte, or undefined when the byte is no known value type. */
export function redisTypeOf(rdbType: number): RedisType | undefined {
  return TYPE_OF[rdbType];
}

export const ENCODING_NAMES: Record<number, string> = {
  0: "string", 1: "linkedlist", 2: "set", 3: "zset", 4: "hash", 5: "zset2", 6: "module-pre-ga", 7: "module2",
  9: "zipmap", 10: "ziplist", 11: "intset", 12: "zset-ziplist", 13: "hash-ziplist", 14: "quicklist",
  15: "stream-listpacks", 16: "hash-listpack", 17: "zset-listpack", 18: "quicklist2", 19: "stream-listpacks2",
  20: "set-listpack", 21: "stream-listpacks3", 22: "hash-metadata-pre-ga", 23: "hash-listpack-ex-pre-ga",
  24: "hash-metadata", 25: "hash-listpack-ex",
};

/** The one error the parser and decoders throw for bad input: always names an absolute byte offset. */
export function corrupt(what: string, offset: number): DtsError {
  return new DtsError("RDB_CORRUPT", `corrupt RDB: ${what} at byte offset ${offset}`);
}

/** Module type ids carry a 9-character name in 6-bit symbols above a 10-bit encoding version. */
const MODULE_CHARSET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
export function moduleNameFromId(hi: number, lo: number): string {
  let value = ((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)) >> 10n;
  let name = "";
  for (let i = 0; i < 9; i++) {
    name = MODULE_CHARSET[Number(value & 63n)] + name;
    value >>= 6n;
  }
  return name;
}
