/**
 * Which replication offset the destination reflects, from the writer's watermark (the lowest tag not
 * yet acknowledged; writes are tagged with their command's start offset) and the end offset of the
 * last command fully handed over. It also knows the database selected at that offset: a master does
 * not repeat SELECT after +CONTINUE, so a checkpoint must carry it.
 */
export class OffsetTracker {
  private doneEnd: number;
  /** (offset, db): from this offset on, commands belong to db; oldest first, never empty */
  private dbs: Array<[number, number]>;

  constructor(offset: number, db: number) {
    this.doneEnd = offset;
    this.dbs = [[offset, db]];
  }

  /** a command starting at `start` in `db` is about to be applied */
  delivered(start: number, db: number): void {
    if (this.dbs[this.dbs.length - 1][1] !== db) this.dbs.push([start, db]);
  }

  /** all writes of the command ending at `end` are queued (or it needed none) */
  done(end: number): void {
    this.doneEnd = end;
  }

  /**
   * Where a new replication session continues: right after the last command whose writes were all
   * handed to the writer (it delivers what it accepted, retrying as needed), and the database there.
   */
  handedOver(): { offset: number; db: number } {
    let i = this.dbs.length - 1;
    while (i > 0 && this.dbs[i][0] > this.doneEnd) i--;
    return { offset: this.doneEnd, db: this.dbs[i][1] };
  }

  /** the database in force at `offset` (not older than the last applied offset) */
  at(offset: number): { offset: number; db: number } {
    let i = this.dbs.length - 1;
    while (i > 0 && this.dbs[i][0] > offset) i--;
    return { offset, db: this.dbs[i][1] };
  }

  /** the applied offset and the database in force there, given the writer's watermark */
  applied(watermark: number): { offset: number; db: number } {
    const offset = watermark < this.doneEnd ? watermark : this.doneEnd;
    let i = this.dbs.length - 1;
    while (i > 0 && this.dbs[i][0] > offset) i--;
    if (i > 0) this.dbs.splice(0, i);
    return { offset, db: this.dbs[0][1] };
  }
}
