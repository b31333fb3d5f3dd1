import type { Redis } from "ioredis";
import { DtsError, describeError } from "../../../errors";
import { dumpEntry } from "./dump-entry";
import type { RdbKeyEntry } from "../../rdb/types";

/** One key read back from the source: its entry, or null when it no longer exists there. */
export interface ReadKey {
  db: number;
  key: Buffer;
  entry: RdbKeyEntry | null;
}

/**
 * Reads keys with DUMP + PTTL, pipelined on one connection (one round trip per batch, the caller
 * bounds the batch). DUMP and PTTL of a key are adjacent in the pipeline but not atomic: a write in
 * between is followed by its keyspace notification, and the key is read again.
 */
export class KeyReader {
  private db = -1;

  constructor(private readonly client: Redis) {}

  /**
   * One SCAN step of a database: the next cursor ("0": done) and the keys it named. A SCAN over a
   * table being resized may name a key twice: the caller copes.
   */
  async scan(db: number, cursor: string, count: number): Promise<{ cursor: string; keys: Buffer[] }> {
    const p = this.client.pipeline();
    if (db !== this.db) p.select(db);
    p.scanBuffer(cursor, "COUNT", count);
    const replies = (await p.exec()) ?? [];
    for (const [err] of replies) if (err) throw err;
    this.db = db;
    const [next, keys] = replies[replies.length - 1][1] as [Buffer, Buffer[]];
    return { cursor: next.toString(), keys };
  }

  async read(db: number, keys: Buffer[]): Promise<ReadKey[]> {
    if (keys.length === 0) return [];
    const p = this.client.pipeline();
    // SELECT only when the database changes; a cluster node has database 0 only
    if (db !== this.db) p.select(db);
    for (const k of keys) {
      p.dumpBuffer(k);
      p.pttl(k);
    }
    const replies = (await p.exec()) ?? [];
    const offset = db !== this.db ? 1 : 0;
    if (offset) {
      const [err] = replies[0] ?? [];
      if (err) throw err;
      this.db = db;
    }
    const now = Date.now();
    return keys.map((key, i) => {
      const [dumpErr, payload] = replies[offset + 2 * i] ?? [];
      const [ttlErr, pttl] = replies[offset + 2 * i + 1] ?? [];
      if (dumpErr) throw dumpErr;
      if (ttlErr) throw ttlErr;
      const ttl = Number(pttl);
      // nil DUMP or PTTL -2: gone (deleted, expired, evicted) since it was named
      if (payload === null || ttl === -2) return { db, key, entry: null };
      return { db, key, entry: dumpEntry(db, key, payload as Buffer, ttl, now) };
    });
  }
}

/** A reply error of the source: a missing permission is the operator's to fix, anything else is retried. */
export function readError(err: unknown): DtsError {
  const message = describeError(err);
  if (/^NOPERM/.test(message)) {
    return new DtsError("INVALID_CONFIG", `the source account may not read keys the scan reader's way (${message}): grant it +scan +dump +pttl +select +psubscribe (and +config|get +config|set to let the task turn keyspace notifications on)`);
  }
  return new DtsError("CONNECT_FAILED", message);
}
