import { DtsError } from "../../errors";
import type { ReplyError } from "../resp/values";
import type { RingEntry } from "./command-ring";
import { FLAG_ASKING, type UnansweredCommand } from "./connection";
import type { NodeLink } from "./node-link";
import { commandFrames, describeCommand, parseCommand } from "./parse-command";
import { classifyReplyError } from "./reply-errors";
import { WRITE_BATCH, WRITE_REPLAY_SAFE, WRITE_REPLAYED, WRITE_UNCERTAIN, type UncertainCommand } from "./types";
import { ATTEMPT_SHIFT, WriterBase, partsOf, type RetryItem } from "./writer-base";

export { NodeLink } from "./node-link";

/**
 * The destination writer for standalone and cluster targets. Normal operation is WriterBase's direct
 * path. Any fault (MOVED, ASK, a retryable refusal, a lost connection) halts new writes (they are
 * held in order), waits until every node has answered what it was sent, then resends the affected
 * commands in their original order and only then releases the held writes: a retried command never
 * overtakes a later one for the same key.
 */
export class PipelinedWriter extends WriterBase {
  /** A command accepted after an earlier one in its slot was refused: the order of the two may be inverted. */
  onOvertaken(link: NodeLink, e: RingEntry): void {
    this.stats.orderHazards++;
    // a copy: the staging buffer the entry points into is reused (connection.ts)
    const bytes = Buffer.from(e.bytes());
    // a batch: each of its commands (not MULTI, the fence, EXEC) may have overtaken the refused write
    const list = e.flags & WRITE_BATCH ? commandFrames(bytes).slice(1, -2).map(([a, z]) => parseCommand(bytes.subarray(a, z))) : [parseCommand(bytes)];
    for (const argv of list) this.opts.onOrderHazard?.({ argv, tag: e.tag, node: link.address });
    if (list.length) this.event({ kind: "order-hazard", node: link.address, message: `${describeCommand(list[0])} was applied while an earlier write in its slot was refused by ${link.address}: their order may be inverted` });
  }

  onErrorReply(link: NodeLink, err: ReplyError, e: RingEntry): void {
    // a copy: the staging buffer the entry points into is reused once its commands are answered
    const bytes = Buffer.from(e.bytes());
    if (e.flags & WRITE_BATCH) return this.onBatchError(link, err, e, bytes);
    const c = classifyReplyError(err);
    if (c.kind === "final" || (this.mode === "standalone" && (c.kind === "moved" || c.kind === "ask"))) {
      this.stats.acknowledged++;
      this.stats.errors++;
      this.opts.onCommandError?.({ error: err, tag: e.tag, argv: parseCommand(bytes), node: link.address, uncertain: (e.flags & WRITE_UNCERTAIN) !== 0, replayed: (e.flags & WRITE_REPLAYED) !== 0, db: e.db });
      this.checkWaiters();
      return;
    }
    const attempts = (e.flags >>> ATTEMPT_SHIFT) + 1;
    const flags = (e.flags & ((1 << ATTEMPT_SHIFT) - 1) & ~FLAG_ASKING) | (Math.min(attempts, 31) << ATTEMPT_SHIFT);
    const item: RetryItem = { bytes, tag: e.tag, seq: e.seq, slot: e.slot, db: e.db, flags, link, askTo: null };
    if (c.kind === "moved" || c.kind === "ask") {
      this.stats.redirected++;
      if (attempts > (this.opts.maxRedirections ?? 16)) {
        this.fail(new DtsError("WRITE_REFUSED", `${describeCommand(parseCommand(item.bytes))} was redirected more than ${this.opts.maxRedirections ?? 16} times (last: ${err.message})`));
        return;
      }
      const to = this.linkFor(c.host || link.host, c.port);
      if (c.kind === "moved") this.slots.assign(c.slot, to);
      else {
        item.askTo = to;
        item.flags |= FLAG_ASKING;
      }
      this.retry.push(item);
      this.halt(`slot ${c.slot} ${c.kind === "moved" ? "moved" : "is migrating"} to ${to.address}`, false);
    } else {
      this.retry.push(item);
      if (e.slot >= 0) (this.refusedSlots ??= new Uint8Array(16384))[e.slot] = 1;
      if (c.topology) this.staleTopology = true;
      this.halt(`${link.address}: ${err.message}`, true);
    }
    this.checkWaiters();
  }

  /**
   * EXEC was accepted but a command inside it failed (WRONGTYPE...): the other commands of the
   * transaction ran. Not retryable (retrying would run them twice); the caller is told.
   */
  onInnerError(link: NodeLink, err: ReplyError, e: RingEntry, index: number): void {
    this.stats.errors++;
    // in a batch (our own transaction, not the source's): the failed command itself, as if sent alone
    const batch = (e.flags & WRITE_BATCH) !== 0;
    const argv = batch ? batchCommand(Buffer.from(e.bytes()), index + 1) : parseCommand(Buffer.from(e.bytes()));
    this.opts.onCommandError?.({ error: err, tag: e.tag, argv, node: link.address, uncertain: (e.flags & WRITE_UNCERTAIN) !== 0, replayed: (e.flags & WRITE_REPLAYED) !== 0, ...(!batch && { inTransaction: true, innerIndex: index }), db: e.db });
  }

  /**
   * A batch (writeBatch) answered with an error. Its MULTI refused: its commands ran one by one, the
   * refused ones are reported. Refused while queueing (EXECABORT: nothing ran): resent whole when the
   * refusal passes (OOM, LOADING…); a command refused for good is reported and the others sent again
   * without it (as they would have run had they been sent one by one). The fence write itself refused
   * for good: the writer fails (the batch cannot run exactly-once).
   */
  private onBatchError(link: NodeLink, err: ReplyError, e: RingEntry, bytes: Buffer): void {
    const report = (at: number, error: ReplyError) =>
      this.opts.onCommandError?.({ error, tag: e.tag, argv: batchCommand(bytes, at), node: link.address, uncertain: (e.flags & WRITE_UNCERTAIN) !== 0, replayed: (e.flags & WRITE_REPLAYED) !== 0, db: e.db });
    const frames = commandFrames(bytes);
    if (e.loose) {
      this.stats.acknowledged++;
      for (const [at, error] of e.loose) if (at > 0) (this.stats.errors++, report(at, error));
      this.checkWaiters();
      return;
    }
    const c = classifyReplyError(err);
    if (c.kind === "retry" && e.part >= 0) {
      const attempts = (e.flags >>> ATTEMPT_SHIFT) + 1;
      const flags = (e.flags & ((1 << ATTEMPT_SHIFT) - 1)) | (Math.min(attempts, 31) << ATTEMPT_SHIFT);
      this.retry.push({ bytes, tag: e.tag, seq: e.seq, slot: -1, db: e.db, flags, link, askTo: null });
      // any write accepted before this batch is resent may overtake it
      (this.refusedSlots ??= new Uint8Array(16384)).fill(1);
      this.halt(`${link.address}: ${err.message}`, true);
      this.checkWaiters();
      return;
    }
    if (e.part < 1 || e.part >= frames.length - 2) {
      this.fail(new DtsError("WRITE_REFUSED", `${link.address} refused a transaction of fenced writes: ${err.message}`));
      return;
    }
    this.stats.errors++;
    report(e.part, err);
    // the batches sent after this one run before what is left of it is resent
    (this.refusedSlots ??= new Uint8Array(16384)).fill(1);
    const [from, to] = frames[e.part];
    const rest = Buffer.concat([bytes.subarray(0, from), bytes.subarray(to)]);
    this.retry.push({ bytes: rest, tag: e.tag, seq: e.seq, slot: -1, db: e.db, flags: e.flags, link, askTo: null });
    this.halt(`${link.address}: ${err.message}`, false);
    this.checkWaiters();
  }

  onLinkLost(link: NodeLink, err: DtsError, unanswered: UnansweredCommand[]): void {
    link.conn = null;
    if (this.closing || this.failure) return;
    if (err.code === "WRITE_REFUSED") {
      // a refused SELECT (database out of range) would be refused again after any reconnect
      this.fail(err);
      return;
    }
    const unsafe: UnansweredCommand[] = [];
    for (const u of unanswered) {
      if (u.flags & WRITE_REPLAY_SAFE) this.retry.push({ ...u, flags: (u.flags & ~FLAG_ASKING) | WRITE_UNCERTAIN, link, askTo: null });
      else unsafe.push(u);
    }
    if (unsafe.length > 0) {
      const list: UncertainCommand[] = unsafe.map((u) => ({ argv: parseCommand(u.bytes), tag: u.tag }));
      const answer = this.opts.onUncertain ? this.opts.onUncertain(list) : "fail";
      const decisions = Array.isArray(answer) ? answer : unsafe.map(() => answer);
      const failed = decisions.findIndex((d) => d !== "resend" && d !== "skip");
      if (failed !== -1) {
        this.fail(new DtsError("WRITE_REFUSED", `${err.message}: ${unsafe.length} commands of unknown outcome cannot be resent safely (first: ${describeCommand(list[failed].argv)})`));
        return;
      }
      let resent = 0;
      unsafe.forEach((u, i) => {
        if (decisions[i] === "resend") {
          resent++;
          this.retry.push({ ...u, flags: (u.flags & ~FLAG_ASKING) | WRITE_UNCERTAIN, link, askTo: null });
        } else this.stats.acknowledged++;
      });
      this.event({ kind: "uncertain", node: link.address, message: `${unsafe.length} commands of unknown outcome after losing ${link.address}: ${resent} resent, ${unsafe.length - resent} skipped` });
    }
    this.event({ kind: "connection-lost", node: link.address, message: `${err.message}; ${unanswered.length} unacknowledged commands will be resent` });
    this.staleTopology = this.mode === "cluster";
    this.halt(err.message, true);
    this.checkWaiters();
  }

  protected halt(reason: string, backoff: boolean): void {
    this.reason = reason;
    if (backoff) this.backoff = true;
    this.halted = true;
    if (!this.recovering) void this.recover();
  }

  /** The fault loop: settle, back off, repair connections and slot map, resend in order, release held writes. */
  private async recover(): Promise<void> {
    this.recovering = true;
    let round = 0;
    try {
      for (;;) {
        await this.settled();
        if (this.failure || this.closing) return;
        const needsConnections = [...this.neededLinks()].some((l) => !l.usable);
        if (this.retry.length === 0 && !needsConnections && !this.staleTopology) break;
        if (this.backoff || needsConnections) {
          if (this.faultSince === 0) this.faultSince = Date.now();
          const giveUp = this.opts.giveUpAfterMs ?? 0;
          if (giveUp > 0 && Date.now() - this.faultSince > giveUp) throw new DtsError("WRITE_REFUSED", `destination refused writes for ${Math.round(giveUp / 1000)} s: ${this.reason}`);
          this.event({ kind: "retrying", message: `destination refuses writes: ${this.reason}, retrying` });
          const base = this.opts.retryBaseMs ?? 50;
          await sleep(Math.min(base * 2 ** round, this.opts.retryMaxMs ?? 2000));
          round++;
        }
        this.backoff = false;
        try {
          if (this.staleTopology && this.mode === "cluster") await this.refreshTopology();
          this.staleTopology = false;
          await this.connectNeeded();
        } catch (err) {
          this.reason = err instanceof Error ? err.message : String(err);
          this.backoff = true;
          continue;
        }
        const items = this.retry.sort((a, b) => a.seq - b.seq);
        this.retry = [];
        this.refusedSlots = null;
        for (const item of items) this.resend(item);
        if (items.length > 0 && round > 0) this.event({ kind: "retrying", message: `resent ${items.length} commands after: ${this.reason}` });
      }
      this.faultSince = 0;
      this.halted = false;
      const held = this.held;
      this.held = [];
      for (let i = 0; i < held.length; i++) {
        const h = held[i];
        const link = h.link ?? this.route(h.slot);
        if (link === null || !link.usable) {
          this.held = held.slice(i).concat(this.held);
          this.halted = true;
          this.backoff = true;
          this.staleTopology = this.mode === "cluster";
          break;
        }
        if (this.mode === "standalone") link.conn!.select(h.db);
        this.stats.written++;
        if (h.bytes !== null) link.conn!.writeEncoded(h.bytes, h.tag, ++this.seq, h.slot, h.flags, partsOf(h.bytes, h.flags));
        else link.conn!.write(h.argv!, h.tag, ++this.seq, h.slot, h.flags);
      }
    } catch (err) {
      this.fail(err instanceof DtsError ? err : new DtsError("INTERNAL", `destination writer failed: ${(err as Error).message}`, { cause: err }));
    } finally {
      this.recovering = false;
    }
    if (this.failure) return;
    if (this.halted) return void this.recover();
    this.checkWaiters();
    if (!this.full) this.release(this.readyWaiters);
  }

  private resend(item: RetryItem): void {
    const link = this.mode === "standalone" ? this.primary : (item.askTo ?? (item.slot >= 0 ? this.slots.owner(item.slot) : item.link?.usable ? item.link : this.primary));
    if (link === undefined || link === null || !link.usable) {
      this.retry.push(item);
      this.backoff = true;
      this.staleTopology = this.mode === "cluster";
      return;
    }
    if (this.mode === "standalone") link.conn!.select(item.db);
    this.stats.retried++;
    link.conn!.writeEncoded(item.bytes, item.tag, item.seq, item.slot, item.askTo !== null ? item.flags | FLAG_ASKING : item.flags, partsOf(item.bytes, item.flags));
  }

  protected fail(err: DtsError): void {
    if (this.failure) return;
    this.failure = err;
    this.halted = true;
    const waiters = [...this.readyWaiters.splice(0), ...this.drainWaiters.splice(0)];
    for (const w of waiters) w.reject(err);
    this.destroy();
  }
}

/** command `at` of a batch's bytes, decoded */
function batchCommand(bytes: Buffer, at: number): Buffer[] {
  const frames = commandFrames(bytes);
  const f = frames[Math.min(at, frames.length - 1)];
  return parseCommand(bytes.subarray(f[0], f[1]));
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
