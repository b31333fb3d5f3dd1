import type { HashField, RedisType, StreamEntry, StreamValue, ZsetEntry } from "../values/typed-value";

/**
 * The contract of the streaming RDB parser (server/engine/rdb/parser.ts) and of the off-hot-path
 * value decoders (decode-value.ts, iterate-value.ts). The loader, the replication source and
 * `rdb dump` build on these shapes: keep them stable.
 */

export type RdbMagic = "REDIS" | "VALKEY";

export interface RdbKeyEntry {
  db: number;
  key: Buffer;
  /** the RDB type byte (RDB_TYPE_* in rdb.h, see constants.ts) */
  rdbType: number;
  type: RedisType;
  /** absolute expiry in ms since the epoch, null when the key is persistent */
  expireAt: number | null;
  /** LRU idle seconds (RDB_OPCODE_IDLE), when present */
  idle?: number;
  /** LFU counter (RDB_OPCODE_FREQ), when present */
  freq?: number;
  /**
   * Exactly the bytes of the value as serialized in the RDB, INCLUDING the leading type byte: what a
   * DUMP payload starts with (append the 2-byte RDB version + CRC64 to get a RESTORE payload).
   * In the RDB the key sits between the type byte and the value, so this is one copy of the value
   * (small ones from Node's buffer pool); a value of 64 KB or more that had to be accumulated over
   * several chunks is handed out in place, without a second copy. The parser never writes into a
   * Buffer it has emitted: the consumer may keep it.
   * Empty collections are emitted as they are; Redis drops them when it loads an RDB.
   */
  raw: Buffer;
  /** version from the file's header (for Valkey files: the number after "VALKEY") */
  rdbVersion: number;
  /** module values (type "module"): the module's name decoded from its 64-bit id, e.g. "ReJSON-RL" */
  moduleName?: string;
  /** absolute offset in the RDB of raw[1] (the value's first byte after the key), for error messages */
  valueOffset?: number;
}

export interface RdbKeyEvent extends RdbKeyEntry {
  kind: "key";
  /**
   * Only with RdbParserOptions.transientValues: the value (after its type byte) is
   * valueBuf[valueStart, valueEnd) of the parser's input, readable only until the callback returns
   * (valueBuf is null afterwards). `raw` is then copied on first read, which must happen during the
   * callback; a consumer that keeps the entry reads `raw` first. crcLo/crcHi: the CRC-64 of the type
   * byte and the value, as a DUMP payload's checksum starts (crcLo -1 when it was not computed).
   */
  valueBuf?: Uint8Array | null;
  valueStart?: number;
  valueEnd?: number;
  crcLo?: number;
  crcHi?: number;
}

export type RdbEvent =
  | { kind: "header"; version: number; magic: RdbMagic }
  | { kind: "aux"; key: Buffer; value: Buffer }
  | { kind: "selectdb"; db: number }
  | { kind: "resizedb"; db: number; keys: number; expires: number }
  | RdbKeyEvent
  /**
   * A function library: `code` is the library source for FUNCTION LOAD (RDB_OPCODE_FUNCTION2).
   * For the pre-GA opcode (Redis 7.0 RC1/RC2, one library per record) `name`, `engine` and
   * `description` are also set and `code` is the body without a `#!engine name=...` line.
   */
  | { kind: "function"; code: Buffer; preGA: boolean; name?: Buffer; engine?: Buffer; description?: Buffer }
  /** module auxiliary data (RDB_OPCODE_MODULE_AUX): skipped, reported so the operator knows */
  | { kind: "module-aux"; moduleName: string; when: number }
  /** cluster slot sizes (RDB_OPCODE_SLOT_INFO, Redis 7.4+): informational */
  | { kind: "slot-info"; slot: number; slotSize: number; expiresSlotSize: number }
  /**
   * "ok": the CRC64 matched; "absent": version < 5 or the writer stored a zero checksum;
   * "unchecked": verification was turned off (opts.verifyChecksum false)
   */
  | { kind: "end"; checksum: "ok" | "absent" | "unchecked" };

export interface RdbParserOptions {
  /** verify the CRC64 at EOF when it is non-zero (default true) */
  verifyChecksum?: boolean;
  /**
   * Key events carry their value as a view of the parser's input (see RdbKeyEvent.valueBuf) with its
   * payload CRC, and copy `raw` only when it is read (default false: every event has its own copy).
   * For a consumer that writes the value while handling the event (the loader's RESTORE path). The
   * event object and its key's buffer are reused (transient-key-event.ts): copy what you keep.
   */
  transientValues?: boolean;
  /**
   * Check every entry of encoded values (ziplists, listpacks, intsets, zipmaps, stream nodes),
   * decompressing LZF ones for it (default true). Off for an RDB straight from a master: a replica
   * trusts its master's payloads the same way (Redis deep-sanitizes only with sanitize-dump-payload),
   * and the RDB's own CRC64 is still verified at its end.
   */
  validateEncoded?: boolean;
}

/** Limits of one batch from iterateValue(): whichever is reached first ends the batch. */
export interface IterateOptions {
  maxItems: number;
  maxBytes: number;
}

/**
 * One batch of a value, in order. Elements may be views into `entry.raw`.
 * - string: consecutive pieces; concatenated they are the value (SET the first, APPEND the rest).
 * - list/set/zset/hash: a slice of the elements in RDB order.
 * - stream: first the entries in ID order ("stream" batches, possibly none), then exactly one
 *   "stream-meta" batch with the stream's metadata and its consumer groups.
 * - module: one batch naming the module.
 */
export type ValueBatch =
  | { type: "string"; value: Buffer }
  | { type: "list"; items: Buffer[] }
  | { type: "set"; members: Buffer[] }
  | { type: "zset"; entries: ZsetEntry[] }
  | { type: "hash"; fields: HashField[] }
  | { type: "stream"; entries: StreamEntry[] }
  | { type: "stream-meta"; stream: Omit<StreamValue, "entries"> }
  | { type: "module"; moduleName: string };
