/**
 * How far a crashed engine may have written. Checkpoints lag (they follow acknowledgements, once a
 * second), so after a kill the commands between the checkpoint and the last one handed to the writer
 * may have run on the destination, and the replay sends them again. Fences make the writes that must
 * not run twice skip themselves; the replay-safe ones run again, and some of those fail the second
 * time because a later write already changed their key (an XADD of an ID already there, BUSYGROUP,
 * LSET on a list deleted later, WRONGTYPE after the key was replaced...). Those errors are echoes of
 * the replay, not divergences, but only inside the window the crash left: this horizon bounds it.
 *
 * Before the first command at or past the stored horizon is handed over, a new horizon is stored
 * (`STEP` further on). The store is started half a step early so the stream rarely waits for it.
 */

/** stream bytes one stored horizon covers */
export const HORIZON_STEP = 16 * 1024 * 1024;

export class SendHorizon {
  /** the horizon stored (durable): nothing at or past it was handed over */
  private stored: number;
  private saving: Promise<void> | null = null;

  constructor(
    start: number,
    /** stores a horizon; resolves once it is durable */
    private readonly save: (horizon: number) => Promise<void>,
    private readonly step = HORIZON_STEP,
  ) {
    this.stored = start;
  }

  get value(): number {
    return this.stored;
  }

  /**
   * Before the command starting at `offset` is handed over: null when it may go now, else a promise
   * to wait for (the new horizon being stored).
   */
  before(offset: number): Promise<void> | null {
    if (offset + this.step / 2 >= this.stored && this.saving === null) {
      const next = offset + this.step;
      // never rejects: a failed store is retried by the next call, and only a command that must wait
      // for it sees the error
      this.saving = this.save(next).then(
        () => {
          this.stored = Math.max(this.stored, next);
          this.saving = null;
          this.failure = null;
        },
        (err: unknown) => {
          this.saving = null;
          this.failure = err;
        },
      );
    }
    if (offset < this.stored) return null;
    return this.saving!.then(() => {
      if (offset < this.stored) return;
      if (this.failure) throw this.failure;
      return this.before(offset) ?? undefined;
    });
  }

  private failure: unknown = null;
}
