/**
 * What the incremental apply stage needs from the destination writer. Kept narrow so the
 * apply rules can be read without the writer's machinery.
 */
export interface ApplyTarget {
  /**
   * Queue argv for the node owning `key` (null: any node) in destination database `db`. `tag` is
   * the replication offset this write completes; the writer reports acknowledged tags in order.
   * Returns false when the writer is full: the caller waits for drain before sending more.
   */
  write(db: number, argv: Buffer[], key: Buffer | null, tag?: number, flags?: number): boolean;
  /**
   * Queue a command as the RESP bytes it arrived in (forwarded unchanged: nothing to encode); like
   * write() otherwise. Optional: without it every write goes through write().
   */
  writeEncoded?(db: number, command: Buffer, key: Buffer | null, tag?: number, flags?: number): boolean;
  /** Queue argv for every master of the destination. */
  broadcast(db: number, argv: Buffer[], tag?: number, flags?: number): boolean;
  /** Identity of the node that owns `key` (standalone: always the same). */
  nodeOf(key: Buffer | null): string;
  /** Resolves when every queued write has been acknowledged. */
  drained(): Promise<void>;
  /** Resolves once every write tagged `tag` or lower is acknowledged (optional: drained() stands in). */
  acknowledgedPast?(tag: number): Promise<void>;
  /** Resolves when the writer accepts writes again. */
  ready(): Promise<void>;
}
