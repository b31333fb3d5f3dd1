/**
 * A Redis value in memory, as the RDB parser decodes it and as a live server is read back.
 * One shape for both so the parser, the loader, `rdb dump` and `compare` speak the same language.
 * Byte strings stay Buffers: keys and values are binary-safe.
 */
export type RedisType = "string" | "list" | "set" | "zset" | "hash" | "stream" | "module";

export interface ZsetEntry {
  member: Buffer;
  /** IEEE double; Infinity/-Infinity allowed (Redis never stores NaN scores) */
  score: number;
}

export interface HashField {
  field: Buffer;
  value: Buffer;
  /** absolute field expiry in ms (Redis 7.4 hash-field expiration), when set */
  expireAt?: number;
}

/** Stream IDs as "ms-seq" decimal strings: exact for 64-bit parts, comparable after parsing. */
export type StreamId = string;

export interface StreamEntry {
  id: StreamId;
  /** field, value, field, value, … */
  fields: Buffer[];
}

export interface StreamPendingEntry {
  id: StreamId;
  consumer: Buffer;
  /** ms since epoch of the last delivery */
  deliveryTime: number;
  deliveryCount: number;
}

export interface StreamConsumer {
  name: Buffer;
  seenTime: number;
  /** RDB 11+ (Redis 7.2) */
  activeTime?: number;
  pending: StreamId[];
}

export interface StreamGroup {
  name: Buffer;
  lastId: StreamId;
  /** RDB 10+ */
  entriesRead?: number;
  pending: StreamPendingEntry[];
  consumers: StreamConsumer[];
}

export interface StreamValue {
  entries: StreamEntry[];
  length: number;
  lastId: StreamId;
  /** RDB 10+ metadata */
  firstId?: StreamId;
  maxDeletedId?: StreamId;
  entriesAdded?: number;
  groups: StreamGroup[];
}

export type TypedValue =
  | { type: "string"; value: Buffer }
  | { type: "list"; items: Buffer[] }
  | { type: "set"; members: Buffer[] }
  | { type: "zset"; entries: ZsetEntry[] }
  | { type: "hash"; fields: HashField[] }
  | { type: "stream"; stream: StreamValue }
  /** a module value: it cannot be written without that module on the destination */
  | { type: "module"; moduleName: string };
