import calculateSlot from "cluster-key-slot";

/**
 * Every key redis-dts itself writes, on either side, starts with one documented prefix: the name
 * the cloud DTS uses for its heartbeat key. Nothing else of the product's lives outside it, so one
 * test (`isOwnKey`) keeps these keys out of every count and comparison, and one pattern per task
 * (`taskKeyPattern`) finds what a finished or deleted task leaves behind.
 *
 *   DTS_REDIS_TIMESTAMP_HEARTBEAT:<task>:{<tag>}                  heartbeat, one per source master
 *   DTS_REDIS_TIMESTAMP_HEARTBEAT:<task>:fence:<shard>:{<tag>}    exactly-once fences (destination)
 *   DTS_REDIS_TIMESTAMP_HEARTBEAT:<task>:tmp:{<tag>}:<n>          cross-slot emulation (destination)
 *   DTS_REDIS_TIMESTAMP_HEARTBEAT:<task>:load:{<tag>}:<key>       a value rebuilt aside (destination)
 *
 * Task ids are the database's ids (letters and digits): no colon, so one task's pattern never
 * matches another's keys.
 */
export const OWN_KEY_PREFIX = "DTS_REDIS_TIMESTAMP_HEARTBEAT";
const PREFIX_BYTES = Buffer.from(OWN_KEY_PREFIX);

/** SCAN MATCH pattern of every own key of every task */
export const OWN_KEY_PATTERN = `${OWN_KEY_PREFIX}*`;

/** the pseudo task of `redis-dts rdb load`, which has no stored task */
export const RDB_LOAD_TASK = "rdb-load";

/** A key the product wrote (any task's, or the cloud DTS's own heartbeat key): never data. */
export function isOwnKey(key: Buffer | string): boolean {
  if (typeof key === "string") return key.startsWith(OWN_KEY_PREFIX);
  return key.length >= PREFIX_BYTES.length && PREFIX_BYTES.equals(key.subarray(0, PREFIX_BYTES.length));
}

export function taskKeyPrefix(taskId: string): string {
  return `${OWN_KEY_PREFIX}:${taskId}:`;
}

/** A key of this task (its heartbeat, fences or temporary keys). */
export function isTaskKey(key: Buffer | string, taskId: string): boolean {
  const p = taskKeyPrefix(taskId);
  return typeof key === "string" ? key.startsWith(p) : key.length > p.length && key.subarray(0, p.length).toString("latin1") === p;
}

/** SCAN MATCH pattern of one task's keys (glob characters of the id escaped) */
export function taskKeyPattern(taskId: string): string {
  return `${taskKeyPrefix(taskId).replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`;
}

/** A hash tag whose slot is one of `ranges`, so the key lives on that master. */
export function hashTagFor(ranges: Array<[number, number]>): string {
  if (ranges.length === 0) return "0";
  for (let i = 0; i < 200_000; i++) {
    const slot = calculateSlot(String(i));
    if (ranges.some(([a, b]) => slot >= a && slot <= b)) return String(i);
  }
  throw new Error("no hash tag found for the master's slots");
}

/** The heartbeat key of a task on the source master serving `ranges` (and, replicated, on the destination). */
export function heartbeatKey(taskId: string, ranges: Array<[number, number]>): string {
  return `${taskKeyPrefix(taskId)}{${hashTagFor(ranges)}}`;
}

/** The common start of one shard's fence keys; the slot's tag follows (see fence.ts). */
export function fenceKeyPrefix(taskId: string, shardHash: string): string {
  return `${taskKeyPrefix(taskId)}fence:${shardHash}:`;
}

let slotTags: string[] | null = null;
/** A short hash tag of each slot (the first decimal string hashing there; found once, ~160k CRC16s). */
export function slotTag(slot: number): string {
  if (!slotTags) {
    const tags = new Array<string>(16384);
    let missing = 16384;
    for (let i = 0; missing > 0; i++) {
      const s = calculateSlot(String(i));
      if (tags[s] === undefined) {
        tags[s] = String(i);
        missing--;
      }
    }
    slotTags = tags;
  }
  return slotTags[slot];
}

/** The start of a task's cross-slot emulation keys (see `tmpKeyInSlot`). */
export function emulationTmpPrefix(taskId: string): string {
  return `${taskKeyPrefix(taskId)}tmp`;
}

/** `<prefix>:{<tag>}:<suffix>`, in the slot of `anchor` whatever braces the anchor's name has. */
export function tmpKeyInSlot(prefix: string, anchor: Buffer, suffix: string | number): Buffer {
  return Buffer.from(`${prefix}:{${slotTag(calculateSlot(anchor))}}:${suffix}`);
}

/** Where the loader builds `key`'s value before moving it in place: same slot, unique per key. */
export function loadTmpKey(taskId: string | undefined, key: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${taskKeyPrefix(taskId ?? RDB_LOAD_TASK)}load:{${slotTag(calculateSlot(key))}}:`), key]);
}
