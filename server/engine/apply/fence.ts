import { createHash } from "node:crypto";
import calculateSlot from "cluster-key-slot";
import type { Cluster, Redis } from "ioredis";
import { commandName } from "../commands/command-spec";
import { fenceKeyPrefix, slotTag } from "../own-keys";

/**
 * Exactly-once on the destination. A write is identified by (offset of its source command, index
 * among that command's writes): ids only grow within a shard's replication history. Each write that
 * is not replay-safe (RPUSH, INCR…) runs inside a script that first checks and then advances a
 * "fence" key in the same slot (same database on a standalone destination): sent twice, it applies
 * once. After anything that may have left writes of unknown outcome (a kill -9, a lost destination
 * connection), the shard replays from its last checkpoint and skips every write whose id is at or
 * below the fence of its slot: those certainly ran, since one connection runs its writes in order.
 * The writes it does send again are all replay-safe ones that ran after the last fenced write, if at
 * all, and sending such a run again in order leaves the same data (see replay-safe.ts).
 *
 *
 * A script per write costs the destination about 4 µs against 0.45 µs for the write itself, so a
 * standalone destination fences transactions instead (fence-batch.ts): from the first write that is
 * not replay-safe, the writes of a run of the stream go as MULTI · writes · raise the fence to the id
 * of the last one · EXEC (about 0.5 µs a write). Why that is exact:
 * - a transaction applies entirely or not at all: a kill -9 of the engine before EXEC is sent, or a
 *   lost connection, makes the server discard it; once EXEC runs, the writes and the fence run as one
 *   (also in the AOF, which a destination restart replays: a cut MULTI block is dropped). So the fence
 *   is at or past a write's id exactly when that write ran;
 * - all writes of a shard share one connection, so when the fence says id X ran, every write sent
 *   before it ran too (the rule above: a replay skips everything at or below the fence);
 * - a batch is one write for the writer: tagged with its first write's offset, so the checkpoint
 *   never passes a write whose EXEC is unanswered; refused before it ran (EXECABORT: OOM, LOADING…)
 *   it is resent whole; resent after a lost connection never (the shard replays from the fences);
 * - the fence is only ever raised (RAISE_FENCE_SCRIPT): a batch resent after a later one ran (a
 *   refusal that passed in between, reported as an order hazard) cannot take it back;
 * - a command the server refuses to queue for good (an unknown command) is reported as refused, and
 *   the rest of its batch sent again without it, as if each had been sent alone.
 * A cluster destination keeps a script per write: a transaction there must stay in one slot.
 *
 * Fences are reset by every full synchronization: offsets start over with a new history. Their names
 * carry the product's own prefix (own-keys.ts), so no count or verification takes them for data, and
 * finishing or deleting the task removes them.
 */

export interface FenceId {
  offset: number;
  sub: number;
}

/** fence value after `a` covers `b`: b ran already */
export function covers(a: FenceId, b: FenceId): boolean {
  return a.offset > b.offset || (a.offset === b.offset && a.sub >= b.sub);
}

const EVAL = Buffer.from("EVAL");
const ONE_KEY = Buffer.from("1");
const FENCE_TTL_MS = Buffer.from("86400000");
/**
 * ARGV: the id, the fence's TTL, then the command. Ids are fixed-width digit strings (20 for the
 * offset, 6 for the index), so comparing them as strings compares them as numbers, and a number
 * beyond 2^53 (Lua's exact integers) keeps its order.
 */
export const FENCE_SCRIPT = Buffer.from(
  "local f=redis.call('GET',KEYS[1]) if f and f>=ARGV[1] then return 0 end " +
    "local r=redis.call(unpack(ARGV,3)) redis.call('SET',KEYS[1],ARGV[1],'PX',ARGV[2]) return r",
);

/**
 * The fence write of a batch (fence-batch.ts): raises the fence to ARGV[1], never lowers it. A batch
 * refused and resent after a later one ran (an OOM that passed in between: an order hazard, reported)
 * must not take the fence back below writes that ran, or a replay would apply those again.
 */
export const RAISE_FENCE_SCRIPT = Buffer.from(
  "local f=redis.call('GET',KEYS[1]) if f and f>=ARGV[1] then return 0 end redis.call('SET',KEYS[1],ARGV[1],'PX',ARGV[2]) return 1",
);

export function formatId(id: FenceId): string {
  return String(id.offset).padStart(20, "0") + String(id.sub).padStart(6, "0");
}

export function parseId(text: string): FenceId | null {
  if (!/^\d{26}$/.test(text)) return null;
  return { offset: Number(text.slice(0, 20)), sub: Number(text.slice(20)) };
}
/** ARGV: the marker's TTL, then the command: runs the command unless the marker exists, then sets it */
export const REDO_SCRIPT = Buffer.from(
  "if redis.call('EXISTS',KEYS[1])==1 then return 0 end " + "local r=redis.call(unpack(ARGV,2)) redis.call('SET',KEYS[1],'1','PX',ARGV[1]) return r",
);

/** the slot whose fence covers the keyless writes (PUBLISH...) of a cluster destination */
const KEYLESS_SLOT = 0;

/** Lua's unpack() stops at about 8000 values: longer commands are sent as they are */
const MAX_FENCED_ARGS = 4000;
/** commands a script may not run */
const NOT_IN_SCRIPTS = new Set(["eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro", "function", "script", "multi", "exec", "discard", "watch", "unwatch", "swapdb", "select"]);

export function fenceable(argv: readonly Buffer[]): boolean {
  return argv.length <= MAX_FENCED_ARGS && !NOT_IN_SCRIPTS.has(commandName(argv[0]));
}

/** The fence keys of one shard of one task. */
export class Fences {
  readonly prefix: string;
  private readonly single: Buffer;
  private readonly bySlot: Array<Buffer | undefined> = [];
  private flushKeyBuf: Buffer | undefined;

  constructor(taskId: string, shardId: string, private readonly cluster: boolean) {
    const shard = createHash("sha1").update(shardId).digest("hex").slice(0, 10);
    this.prefix = fenceKeyPrefix(taskId, shard);
    this.single = Buffer.from(`${this.prefix}{0}`);
  }

  /** the fence key for a write to `key`: its slot's on a cluster, the database's one otherwise */
  keyFor(key: Buffer | null): Buffer | null {
    if (!this.cluster) return this.single;
    // a keyless write (PUBLISH...) goes to the node of a fixed slot, fenced there
    const slot = key === null ? KEYLESS_SLOT : calculateSlot(key);
    return (this.bySlot[slot] ??= Buffer.from(`${this.prefix}{${slotTag(slot)}}`));
  }

  /**
   * The flush fence of a destination database: the id of the last FLUSHDB/FLUSHALL applied there (the
   * flush deletes the slot fences with everything else). Every write of the shard before it is gone
   * from that database, so a replay must not apply it again.
   */
  flushKey(): Buffer {
    return (this.flushKeyBuf ??= Buffer.from(`${this.prefix}flush:{0}`));
  }

  flushFenceCommand(id: FenceId): Buffer[] {
    return [Buffer.from("SET"), this.flushKey(), Buffer.from(formatId(id)), Buffer.from("PX"), FENCE_TTL_MS];
  }

  /**
   * A refused write applied once at resume (refusal-redo.ts): guarded by the marker named `id`
   * (redoMarkerId), in the write's slot. Null when it cannot run in a script (then it is sent as it is).
   */
  redoCommand(argv: Buffer[], key: Buffer | null, id: string): Buffer[] | null {
    if (!fenceable(argv) || (this.cluster && key === null)) return null;
    const tag = this.cluster ? `{${slotTag(calculateSlot(key!))}}` : "";
    const marker = Buffer.from(`${this.prefix}redo:${id}${tag}`);
    return [EVAL, REDO_SCRIPT, ONE_KEY, marker, FENCE_TTL_MS, ...argv];
  }

  /** the write as a fenced script call */
  wrap(argv: Buffer[], fenceKey: Buffer, id: FenceId): Buffer[] {
    const out = [EVAL, FENCE_SCRIPT, ONE_KEY, fenceKey, Buffer.from(formatId(id)), FENCE_TTL_MS];
    for (let i = 0; i < argv.length; i++) out.push(argv[i]);
    return out;
  }

  /**
   * What the destination says already ran: per slot on a cluster, one value for the whole shard on a
   * standalone destination (its writes share one connection, so the highest fence of any database
   * covers them all). Null when there are no fences.
   */
  async read(control: Redis | Cluster, dbs: number[]): Promise<FenceView | null> {
    const values = await this.scan(control, dbs, true);
    if (values.size === 0) return null;
    const flushed = new Map<number, FenceId>();
    const bySlot = this.cluster ? new Map<number, FenceId>() : null;
    let max: FenceId | null = null;
    for (const [entry, v] of values) {
      if (!max || covers(v, max)) max = v;
      const [db, key] = splitEntry(entry);
      if (key.startsWith(`${this.prefix}flush:`)) {
        const prev = flushed.get(db);
        if (!prev || covers(v, prev)) flushed.set(db, v);
      } else bySlot?.set(calculateSlot(key), v);
    }
    return new FenceView(max!, bySlot, flushed);
  }

  /** removes the shard's fences (a full synchronization starts a new history) */
  async reset(control: Redis | Cluster, dbs: number[]): Promise<void> {
    await this.scan(control, dbs, false);
  }

  private async scan(control: Redis | Cluster, dbs: number[], read: boolean): Promise<Map<string, FenceId>> {
    if ("nodes" in control && control.status !== "ready") await new Promise((r) => control.once("ready", r));
    const cluster = "nodes" in control;
    const nodes: Redis[] = cluster ? (control as Cluster).nodes("master") : [control as Redis];
    const out = new Map<string, FenceId>();
    for (const node of nodes) {
      for (const db of cluster ? [0] : dbs) {
        const conn = cluster ? node : node.duplicate({ db });
        if (conn !== node) conn.on("error", () => {});
        try {
          let cursor = "0";
          do {
            const [next, keys] = (await conn.scan(cursor, "MATCH", `${this.prefix}*`, "COUNT", 1000)) as [string, string[]];
            cursor = next;
            if (keys.length === 0) continue;
            const p = conn.pipeline();
            for (const k of keys) read ? p.get(k) : p.unlink(k);
            const got = await p.exec();
            if (!read) continue;
            keys.forEach((k, i) => {
              const v = parseId(String(got?.[i]?.[1] ?? ""));
              if (!v) return;
              const entry = `${db}\n${k}`;
              const prev = out.get(entry);
              if (!prev || covers(v, prev)) out.set(entry, v);
            });
          } while (cursor !== "0");
        } finally {
          if (conn !== node) conn.disconnect();
        }
      }
    }
    return out;
  }
}

/** "db\nkey" entries of scan() */
function splitEntry(entry: string): [number, string] {
  const nl = entry.indexOf("\n");
  return [Number(entry.slice(0, nl)), entry.slice(nl + 1)];
}

/** The replay filter: which writes of a replay already ran on the destination. */
export class FenceView {
  constructor(
    /** the highest fence: past it, nothing is skipped */
    readonly max: FenceId,
    private readonly bySlot: Map<number, FenceId> | null,
    /** per destination database, the last flush applied there */
    private readonly flushed: Map<number, FenceId> = new Map(),
  ) {}

  /** the write `id` to `key` in destination database `db` certainly ran, or a later flush removed it */
  ran(key: Buffer | null, id: FenceId, db = 0): boolean {
    const f = this.flushed.get(db);
    if (f !== undefined && covers(f, id)) return true;
    if (!this.bySlot) return covers(this.max, id);
    const s = this.bySlot.get(key === null ? KEYLESS_SLOT : calculateSlot(key));
    return s !== undefined && covers(s, id);
  }
}
