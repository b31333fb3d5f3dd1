/**
 * Keys that move between the masters of a source cluster while it is resharded.
 *
 * MIGRATE sends a key to the importing master (which runs and replicates RESTORE-ASKING), waits for
 * its OK, then deletes the key and replicates a plain DEL. Both halves reach the destination through
 * two streams the engine applies independently, over two writers. Applied as they come, the
 * exporter's DEL could land after the importer's RESTORE (the key is lost), and the exporter's writes
 * just before the move could land after it too (a list gets an element twice). So the importer's
 * RESTORE waits for the exporter's DEL:
 *
 * - the exporter's DEL of a key another master is importing is left out (the RESTORE replaces the
 *   key with its value at the move), and the RESTORE goes once every earlier write of the exporter
 *   is acknowledged;
 * - a DEL that comes first is applied and leaves a "deleted" mark; the RESTORE then waits for that
 *   DEL's acknowledgement and re-creates the key. A later write of the key by any master (a RESTORE
 *   included) clears every mark of the key: the key exists again, so those DELs were ordinary ones or
 *   were paired already, and must not stand in for a move still to come. An ordinary DEL on A, the
 *   slot moved A → B with the key absent, the key written on B and then migrated B → C: C's RESTORE
 *   must wait for B's DEL. Had A's old mark stood in, the RESTORE went at once and B's DEL, read
 *   after it, deleted the key on the destination.
 *
 * A RESTORE whose DEL does not come within `pairWithinMs` (MIGRATE … COPY, or masters whose streams
 * are that far apart) is applied anyway and said; its mark then still skips the DEL if it comes later.
 * Marks expire after `ttlMs` and are bounded (oldest dropped first), so memory stays flat.
 */
export interface LedgerOptions {
  ttlMs?: number;
  maxMarks?: number;
  pairWithinMs?: number;
  now?: () => number;
}

interface DeleteMark {
  shard: string;
  at: number;
  /** resolves once the DEL (and every write of that stream before it) is acknowledged */
  acked(): Promise<void>;
}

interface ImportMark {
  shard: string;
  at: number;
  /** set while the importer's RESTORE waits for its DEL */
  pair?: (acked: Promise<void>) => void;
}

/** How an import was paired: "paired" with its DEL, or "alone" when none came in time. */
export type ImportOutcome = "paired" | "alone";

export class MigrationLedger {
  private readonly imported = new Map<string, ImportMark[]>();
  private readonly deleted = new Map<string, DeleteMark[]>();
  private lastSweep = 0;
  private marks = 0;
  private readonly ttlMs: number;
  private readonly maxMarks: number;
  private readonly pairWithinMs: number;
  private readonly now: () => number;
  /** keys moved, DELs left out, RESTOREs applied without their DEL: for the events and tests */
  readonly counts = { imports: 0, skippedDeletes: 0, alone: 0 };

  constructor(o: LedgerOptions = {}) {
    this.ttlMs = o.ttlMs ?? 120_000;
    this.maxMarks = o.maxMarks ?? 500_000;
    this.pairWithinMs = o.pairWithinMs ?? 10_000;
    this.now = o.now ?? Date.now;
  }

  /** some DEL may stand for a migration's: writes of those keys are worth a look (noteWrite) */
  get tracksDeletes(): boolean {
    return this.deleted.size > 0;
  }

  /**
   * `shard` replicated RESTORE-ASKING of `key`: resolves when the RESTORE may be sent (its DEL is
   * acknowledged or left out and the exporter's earlier writes are acknowledged).
   */
  noteImport(shard: string, db: number, key: Buffer): Promise<ImportOutcome> {
    const at = this.now();
    this.counts.imports++;
    this.sweep(at);
    const id = idOf(db, key);
    const del = this.takeNewestDelete(id, shard);
    if (del) return del.acked().then(() => "paired" as const, () => "paired" as const);
    return new Promise<ImportOutcome>((resolve) => {
      const mark: ImportMark = { shard, at };
      const timer = setTimeout(() => {
        mark.pair = undefined;
        this.counts.alone++;
        resolve("alone");
      }, this.pairWithinMs);
      timer.unref?.();
      mark.pair = (acked) => {
        clearTimeout(timer);
        mark.pair = undefined;
        acked.then(() => resolve("paired"), () => resolve("paired"));
      };
      this.add(this.imported, id, mark);
    });
  }

  /** a key of the RDB of a master that joined the task late: it may have come from another master */
  noteLoadedKey(shard: string, db: number, key: Buffer): void {
    const at = this.now();
    this.sweep(at);
    this.add(this.imported, idOf(db, key), { shard, at });
  }

  /**
   * `shard` replicated DEL of `keys` (written with tag `acked` waits for): the positions (indexes into
   * `keys`) to leave out, because another master imported that key. null: none.
   */
  filterDelete(shard: string, db: number, keys: Buffer[], acked: () => Promise<void>): Set<number> | null {
    const at = this.now();
    this.sweep(at);
    let skip: Set<number> | null = null;
    for (let i = 0; i < keys.length; i++) {
      const id = idOf(db, keys[i]);
      const imp = this.takeOldestImport(id, shard, at);
      if (imp) {
        (skip ??= new Set()).add(i);
        this.counts.skippedDeletes++;
        imp.pair?.(acked());
      } else this.add(this.deleted, id, { shard, at, acked });
    }
    return skip;
  }

  /**
   * Some master wrote `key` (any command but DEL): the DELs of it read so far are none a move still to
   * come pairs with. A migration's DEL whose RESTORE is still unread is not followed by such a write:
   * the importer's RESTORE is read before its own writes, and a later holder got the key through a
   * RESTORE that waited for the importer's DEL (or, when the key was absent as its slot moved, by a
   * plain write, which comes long after the old holder's DEL was read unless the streams lag that far).
   */
  noteWrite(db: number, key: Buffer): void {
    if (this.deleted.size === 0) return;
    const id = idOf(db, key);
    const list = this.deleted.get(id);
    if (!list) return;
    this.marks -= list.length;
    this.deleted.delete(id);
  }

  /** the exporter's latest DEL of the key pairs with an import; its older DELs of it were ordinary ones */
  private takeNewestDelete(id: string, importer: string): DeleteMark | null {
    const list = this.deleted.get(id);
    if (!list) return null;
    for (let i = list.length - 1; i >= 0; i--) {
      const m = list[i];
      if (m.shard === importer) continue;
      this.keep(this.deleted, id, list, (x) => x.shard !== m.shard);
      return m;
    }
    return null;
  }

  private takeOldestImport(id: string, exporter: string, at: number): ImportMark | null {
    const list = this.imported.get(id);
    if (!list) return null;
    const i = list.findIndex((m) => m.shard !== exporter && at - m.at < this.ttlMs);
    if (i === -1) return null;
    const [m] = list.splice(i, 1);
    this.marks--;
    if (list.length === 0) this.imported.delete(id);
    return m;
  }

  private keep<M extends { at: number }>(map: Map<string, M[]>, id: string, list: M[], pred: (m: M) => boolean): void {
    const rest = list.filter(pred);
    this.marks -= list.length - rest.length;
    if (rest.length) map.set(id, rest);
    else map.delete(id);
  }

  private add<M extends { at: number }>(map: Map<string, M[]>, id: string, m: M): void {
    const list = map.get(id);
    if (list) list.push(m);
    else map.set(id, [m]);
    this.marks++;
    if (this.marks > this.maxMarks) this.trim();
  }

  /**
   * Over the bound: the keys marked first go (a Map iterates in insertion order), DEL marks before
   * import marks, never an import still waiting for its DEL, down to 90% of the bound.
   */
  private trim(): void {
    const goal = Math.floor(this.maxMarks * 0.9);
    for (const map of [this.deleted, this.imported] as Array<Map<string, Array<{ at: number; pair?: unknown }>>>) {
      for (const [id, list] of map) {
        if (this.marks <= goal) return;
        this.keep(map, id, list, (m) => m.pair !== undefined);
      }
    }
  }

  /** drops expired marks, every quarter of the ttl */
  private sweep(at: number): void {
    if (at - this.lastSweep < this.ttlMs / 4) return;
    this.lastSweep = at;
    const cutoff = at - this.ttlMs;
    for (const [id, list] of this.imported) if (list[0].at <= cutoff) this.keep(this.imported, id, list, (m) => m.at > cutoff || m.pair !== undefined);
    for (const [id, list] of this.deleted) if (list[0].at <= cutoff) this.keep(this.deleted, id, list, (m) => m.at > cutoff);
  }
}

function idOf(db: number, key: Buffer): string {
  return `${db}:${key.toString("latin1")}`;
}
