import { createHash } from "node:crypto";
import calculateSlot from "cluster-key-slot";
import type { Cluster, Redis } from "ioredis";
import type { ApplyTarget } from "./apply-target";
import { planCommand, type PlanContext, type Step } from "./plan-command";
import { commandName } from "../commands/command-spec";
import { emulate, EmulationError, type EmulationWrites } from "./emulate";
import { isReplaySafe } from "./replay-safe";
import { covers, fenceable, type FenceId, type Fences, type FenceView } from "./fence";
import { FenceBatch, type BatchTarget } from "./fence-batch";
import { WRITE_REPLAY_SAFE, WRITE_REPLAYED } from "../writer/types";
import { clearShard } from "./clear-shard";
import type { ShardLibraries } from "../loader/function-libraries";
import { applyLibraryCommand } from "./apply-functions";
import type { Throttle } from "../limit/speed-limiter";
import type { ImportOutcome, MigrationLedger } from "./migration-ledger";

/** One command of the replication stream, as the source reader hands it over. */
export interface CommandEntry {
  argv: Buffer[];
  db: number;
  /** replication offsets of this command's first byte and just after its last */
  start: number;
  end: number;
  receivedAt: number;
  /** the command's RESP bytes as received, when whole (see ReplicatedCommand.raw) */
  raw?: Buffer;
}

/** A command the engine cannot apply exactly (or the destination would refuse), for the divergence rule. */
export interface InexactCommand {
  kind: "inexact" | "refused";
  message: string;
  keys: Buffer[];
  /** the source command's name, upper case */
  command: string;
  /** source database */
  db: number;
  /** replication offset where the command starts: a halt leaves the checkpoint here */
  offset: number;
}

export interface ApplyEvents {
  /**
   * something was not applied exactly; true when the task must stop at this command (its policy
   * pauses or fails it): the command is then not reported done, so the checkpoint stays before it
   */
  inexact(c: InexactCommand): boolean;
  info(message: string): void;
  /**
   * every write of the command ending at `offset` is queued (or it needed none): once the writer has
   * acknowledged everything queued, the destination reflects the stream up to `offset`
   */
  done(offset: number): void;
  /**
   * the destination acknowledged everything queued: store the checkpoint there now and resolve once
   * it is durable (a replay after a crash then starts at the next command)
   */
  settled?(): Promise<void>;
}

export type ApplyContext = Omit<PlanContext, "receivedAt">;

/** Exactly-once writing (see fence.ts); without it, replay-safe writes are marked for the writer to resend. */
export interface ApplyFence {
  fences: Fences;
  /** a replay after a restart: the writes that ran already (null: none, or the replay is over) */
  replay: FenceView | null;
}

/** What the applier shares with the other shards of its task. */
export interface ApplyShared {
  /** the destination's Functions libraries (null: FUNCTION commands are broadcast as they come) */
  functions: ShardLibraries | null;
  /** the task's commands/s limit (../limit): each command takes one; absent: unlimited */
  throttle?: Throttle;
  /** keys moving between the masters of a resharded source cluster, and this stream's shard (migration-ledger.ts) */
  migrations?: { ledger: MigrationLedger; shard: string } | null;
}

/** a planned write with its id (fencing only): `offset` of its source command, `sub` its index among that command's writes */
/** a FUNCTION LOAD/DELETE/FLUSH, planned and sent in the task's order of such commands (apply-functions.ts) */
type LibraryStep = { kind: "library"; db: number; entry: CommandEntry };
/** `inTx`: a write framed in the source's own MULTI/EXEC (never joins a fence batch: MULTI does not nest) */
type Planned = (Step | LibraryStep) & Partial<FenceId> & { source?: CommandEntry; inTx?: boolean };

/** writes bigger than this are fenced one by one (a batch copies its writes once more) */
const MAX_BATCHED_WRITE = 16 * 1024;

/** Transactions bigger than this are applied in order without MULTI instead of buffered without bound. */
const MAX_TX_COMMANDS = 10_000;
const b = (s: string) => Buffer.from(s);

/**
 * Writes are tagged with the START offset of their command (of MULTI for a transaction), so the
 * writer's watermark — the lowest tag not yet acknowledged — is exactly the offset up to which the
 * destination reflects the stream.
 *
 * Applies the command stream to the destination: plans each command, keeps MULTI/EXEC atomic when its
 * writes land on one node, resolves EVALSHA through the scripts seen in the stream, and runs the
 * cross-slot emulations. apply() returns a promise only when the caller must wait (emulation, a full
 * writer), so the hot path allocates no promise per command.
 */
export class Applier {
  private tx: CommandEntry[] | null = null;
  private txStart = 0;
  private scripts = new Map<string, Buffer>();
  private stopped = false;
  /** commands starting below this offset ran already (refusal-redo.ts): nothing of them is sent */
  private skipBelow = -1;
  /**
   * commands starting below this offset may have run before a crash (send-horizon.ts): their
   * unfenced writes are marked WRITE_REPLAYED (an error that they ran already is no divergence)
   */
  private replayUntil = -1;
  /** the framed writes (MULTI, writes…, EXEC) of recent transactions by tag, for refusals inside them */
  private readonly txMemory = new Map<number, Buffer[][]>();
  /** set by plan() for a RESTORE-ASKING: when it may be sent (migration-ledger.ts) */
  private migrationWait: Promise<ImportOutcome> | null = null;
  /** one mutable context: its receive time changes per command (no object per command) */
  private readonly ctx: PlanContext;

  constructor(
    private readonly out: ApplyTarget,
    ctx: ApplyContext,
    private readonly events: ApplyEvents,
    private readonly control: () => Redis | Cluster,
    private readonly tmpPrefix: string,
    private readonly fence: ApplyFence | null = null,
    private readonly shared: ApplyShared = { functions: null },
  ) {
    this.ctx = { ...ctx, receivedAt: 0 };
    // a standalone destination fences transactions of writes, a cluster one each write (fence.ts)
    const target = out as ApplyTarget & Partial<BatchTarget>;
    if (fence && !ctx.cluster && typeof target.writeBatch === "function" && (target as { mode?: string }).mode !== "cluster") this.batch = new FenceBatch(target as BatchTarget, fence.fences);
  }

  private readonly batch: FenceBatch | null = null;

  /** Hands an open fence batch to the writer now (before reading what the writer acknowledged). */
  flushBatch(): void {
    try {
      this.batch?.close();
    } catch {
      // the writer failed: its failure ends the session, and the replay starts from the fences
    }
  }

  get failed(): boolean {
    return this.stopped;
  }

  /** After a crash: the commands before `until` may have run (send-horizon.ts). */
  setReplayWindow(until: number): void {
    this.replayUntil = until;
  }

  /** The source master's slots changed (resharding): its FLUSHALL empties these. */
  setSourceSlots(slots: Array<[number, number]>): void {
    this.ctx.sourceSlots = slots;
  }

  /** After a pause at a refused write: the commands before `offset` were all answered; skip them. */
  skipUntil(offset: number): void {
    this.skipBelow = offset;
  }

  /** the writes of the transaction tagged `tag`, as planned (MULTI and EXEC included) */
  txWrites(tag: number): Buffer[][] | undefined {
    return this.txMemory.get(tag);
  }

  apply(e: CommandEntry): Promise<void> | null {
    const applied = this.applyOne(e);
    const t = this.shared.throttle;
    if (!t || t.take(1)) return applied;
    // over the commands/s limit: the caller waits (the source is still read into the spool)
    const wait = t.ready();
    return applied ? applied.then(() => wait) : wait;
  }

  private applyOne(e: CommandEntry): Promise<void> | null {
    const name = commandName(e.argv[0]);
    if (name === "multi") {
      this.tx = [];
      this.txStart = e.start;
      return null;
    }
    if (this.tx) {
      if (name === "exec") {
        const entries = this.tx;
        this.tx = null;
        const keys = this.keysFirst(entries);
        return keys ? keys.then(() => this.applyTx(entries, e) ?? undefined) : this.applyTx(entries, e);
      }
      if (name === "discard") {
        this.tx = null;
        this.events.done(e.end);
        return null;
      }
      this.tx.push(e);
      if (this.tx.length >= MAX_TX_COMMANDS) {
        this.events.info(`a transaction of more than ${MAX_TX_COMMANDS} commands is applied without MULTI/EXEC`);
        const pending = this.tx;
        this.tx = null;
        return this.applyAll(pending, this.txStart);
      }
      return null;
    }
    if (name === "eval" || name === "script") this.remember(name, e.argv);
    if (name === "function" && this.shared.functions) return this.run(this.planFunction(e), e.start, e.end);
    const keys = this.ctx.learned?.pending(name, e.argv) ? this.keysFirst([e]) : null;
    if (keys) return keys.then(() => this.run(this.plan(e, name), e.start, e.end, e) ?? undefined);
    const steps = this.plan(e, name);
    const moved = this.takeMigrationWait();
    if (moved) return moved.then(() => this.run(steps, e.start, e.end, e) ?? undefined);
    return this.run(steps, e.start, e.end, e);
  }

  /** the RESTORE-ASKING just planned waits for the exporter's DEL (migration-ledger.ts) */
  private takeMigrationWait(): Promise<void> | null {
    const w = this.migrationWait;
    if (!w) return null;
    this.migrationWait = null;
    return w.then((outcome) => {
      if (outcome === "alone") this.events.info("a key imported by a source master (RESTORE-ASKING, resharding) was applied without the exporting master's DEL within 10 s (MIGRATE … COPY, or streams that far apart); run a data verification to confirm");
    });
  }

  /** Commands whose keys only the destination can tell (module commands with movable keys) ask it first. */
  private keysFirst(entries: CommandEntry[]): Promise<void> | null {
    const learned = this.ctx.learned;
    if (!learned) return null;
    let waits: Promise<void>[] | null = null;
    for (const e of entries) {
      const name = commandName(e.argv[0]);
      if (learned.pending(name, e.argv)) (waits ??= []).push(learned.resolve(name, e.argv));
    }
    return waits ? Promise.all(waits).then(() => undefined) : null;
  }

  /**
   * FUNCTION LOAD/DELETE/FLUSH/RESTORE of this master against the libraries the destination holds for
   * all masters (function-libraries.ts): the same library from several masters is loaded once, one
   * master's DELETE or FLUSH removes only what no other master still holds.
   */
  private planFunction(e: CommandEntry): Planned[] {
    const sub = e.argv[1]?.toString().toLowerCase();
    if (sub !== "load" && sub !== "delete" && sub !== "flush") {
      if (sub === "restore") this.shared.functions!.restore();
      return this.plan(e, "function");
    }
    const step: Planned = { kind: "library", db: 0, entry: e };
    if (this.fence) ((step.offset = e.start), (step.sub = 0));
    return [step];
  }

  private async applyLibrary(e: CommandEntry, tag: number): Promise<void> {
    // the shard's earlier writes (an FCALL of the library about to go) land first
    await this.out.drained();
    const replaying = e.start < this.replayUntil;
    const failure = await applyLibraryCommand(this.shared.functions!, this.control(), e.argv, replaying);
    if (!failure) return;
    const sub = e.argv[1].toString().toUpperCase();
    if (replaying && !failure.message.startsWith("a different")) {
      this.events.info(`FUNCTION ${sub} sent again by the replay after a restart answered "${failure.message}": it ran before the restart`);
      return;
    }
    if (this.events.inexact({ kind: failure.refused ? "refused" : "inexact", message: `FUNCTION ${sub}: ${failure.message}`, keys: [], command: "FUNCTION", db: e.db, offset: tag })) this.stopped = true;
  }

  private plan(e: CommandEntry, name = commandName(e.argv[0])): Planned[] {
    let argv = e.argv;
    if (name === "evalsha") {
      const body = this.scripts.get(argv[1].toString().toLowerCase());
      if (body) {
        argv = [b("EVAL"), body, ...argv.slice(2)];
        name = "eval";
      }
    }
    if (name === "restore-asking" || (name === "del" && this.shared.migrations)) {
      argv = this.migrated(name, argv, e.db, e.start);
      if (argv.length < 2) return [];
      name = commandName(argv[0]);
    }
    this.ctx.receivedAt = e.receivedAt;
    const steps: Planned[] = planCommand(argv, e.db, this.ctx, name);
    const m = this.shared.migrations;
    if (m?.ledger.tracksDeletes && name !== "del") for (const s of steps) if (s.kind === "write" && s.key) m.ledger.noteWrite(e.db, s.key);
    for (const s of steps) if (s.kind === "report" || s.kind === "emulate") s.source = e;
    if (this.fence) {
      let sub = 0;
      for (const s of steps) {
        if (s.kind !== "write" && s.kind !== "broadcast" && s.kind !== "flush" && s.kind !== "emulate") continue;
        s.offset = e.start;
        s.sub = sub++;
      }
    }
    return steps;
  }

  /**
   * The write as it is sent: null in a replay when it ran already; as a fenced script when sending it
   * twice would change the data (see fence.ts).
   */
  private fenced(step: Planned & { kind: "write" | "broadcast" }, f: ApplyFence): Buffer[] | null {
    const id = step as FenceId;
    if (f.replay) {
      if (!covers(f.replay.max, id)) f.replay = null;
      // a broadcast reaches every node in order: the highest fence of any covers it
      else if (step.kind === "broadcast" ? true : f.replay.ran(step.key, id, step.db)) return null;
    }
    if (step.kind === "broadcast" || isReplaySafe(step.argv) || !fenceable(step.argv)) return step.argv;
    const key = f.fences.keyFor(step.key);
    return key ? f.fences.wrap(step.argv, key, id) : step.argv;
  }

  /**
   * A write of a standalone destination with fences: "skip" when a replay finds it ran, "queued" in
   * the open fence batch (a write that must not run twice opens one), "full" when the batch it closed
   * found the writer full, "alone" when it goes by itself, fenced one by one (too big for a batch, or
   * a command a transaction cannot hold), after the open batch.
   */
  private batched(step: Planned & { kind: "write" }, f: ApplyFence, raw: Buffer | null, tag: number): "skip" | "queued" | "full" | "alone" {
    const id = step as FenceId;
    if (f.replay) {
      if (!covers(f.replay.max, id)) f.replay = null;
      else if (f.replay.ran(step.key, id, step.db)) return "skip";
    }
    const batch = this.batch!;
    const size = raw ? raw.length : 0;
    if (!fenceable(step.argv) || size > MAX_BATCHED_WRITE || (!batch.open && isReplaySafe(step.argv)) || (!raw && tooBig(step.argv))) {
      batch.close();
      return "alone";
    }
    // a batched write is fenced: a replay skips what ran (above), so a refusal of one sent now is a real
    // one, never the echo of a write that ran before a restart (no WRITE_REPLAYED, as for a fenced script)
    return batch.add(step.db, step.argv, raw, tag, id, 0) ? "queued" : "full";
  }

  /**
   * The halves of a key moved by MIGRATE between source masters (migration-ledger.ts): the importer's
   * RESTORE-ASKING overwrites what the destination holds already; the exporter's DEL leaves out
   * the keys another master imported.
   */
  private migrated(name: string, argv: Buffer[], db: number, tag: number): Buffer[] {
    const m = this.shared.migrations;
    if (name === "restore-asking") {
      if (argv.length < 4) return argv;
      if (m) this.migrationWait = m.ledger.noteImport(m.shard, db, argv[1]);
      const replace = argv.slice(4).some((a) => a.length === 7 && a.toString().toLowerCase() === "replace");
      return [b("RESTORE"), ...argv.slice(1), ...(replace ? [] : [b("REPLACE")])];
    }
    const out = this.out;
    // the writes before the DEL may still be in the open fence batch, which the writer's watermark
    // does not see yet: handed over first, or the importer's RESTORE could overtake them
    const acked = () => {
      this.flushBatch();
      return out.acknowledgedPast ? out.acknowledgedPast(tag) : out.drained();
    };
    const skip = m!.ledger.filterDelete(m!.shard, db, argv.slice(1), acked);
    return skip ? argv.filter((_, i) => i === 0 || !skip.has(i - 1)) : argv;
  }

  /** Scripts seen in EVAL and SCRIPT LOAD, so a later EVALSHA can be sent as EVAL. */
  private remember(name: string, argv: Buffer[]): void {
    if (name === "eval" && argv[1]) this.scripts.set(sha1(argv[1]), argv[1]);
    else if (name === "script" && argv[1]?.toString().toLowerCase() === "load" && argv[2]) this.scripts.set(sha1(argv[2]), argv[2]);
    else if (name === "script" && argv[1]?.toString().toLowerCase() === "flush") this.scripts.clear();
  }

  /** `from`: the one command these steps come from, whose bytes are forwarded when its write is unchanged */
  private run(steps: Planned[], tag: number, end: number, from?: CommandEntry): Promise<void> | null {
    if (tag < this.skipBelow) {
      this.events.done(end);
      return null;
    }
    const f = this.fence;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      switch (step.kind) {
        case "write": {
          let argv: Buffer[] | null;
          if (f && step.offset !== undefined && this.batch !== null && !step.inTx) {
            const raw = from?.raw !== undefined && step.argv === from.argv && steps.length === 1 ? from.raw : null;
            const r = this.batched(step, f, raw, tag);
            if (r === "queued") break;
            if (r === "full") return this.continueAfter(this.out.ready(), steps.slice(i + 1), tag, end);
            argv = r === "alone" ? this.fenced(step, f) : null;
          } else {
            this.batch?.close();
            // With fences nothing is resent by the writer itself: a lost connection restarts the replay.
            argv = f && step.offset !== undefined ? this.fenced(step, f) : step.argv;
          }
          if (!argv) break;
          // a fenced write skips itself if it ran; an unfenced one of the replay window may echo an error
          const echo = argv === step.argv && tag < this.replayUntil ? WRITE_REPLAYED : 0;
          const flags = (f ? 0 : isReplaySafe(argv) ? WRITE_REPLAY_SAFE : 0) | echo;
          // a fenced keyless write is routed by its fence key (the writer would send it anywhere)
          const route = step.key === null && argv !== step.argv && f ? f.fences.keyFor(null) : step.key;
          const room =
            from?.raw !== undefined && argv === from.argv && steps.length === 1 && this.out.writeEncoded
              ? this.out.writeEncoded(step.db, from.raw, route, tag, flags)
              : this.out.write(step.db, argv, route, tag, flags);
          if (!room) return this.continueAfter(this.out.ready(), steps.slice(i + 1), tag, end);
          break;
        }
        case "broadcast": {
          this.batch?.close();
          const argv = f && step.offset !== undefined ? this.fenced(step, f) : step.argv;
          const echo = tag < this.replayUntil ? WRITE_REPLAYED : 0;
          if (argv && !this.out.broadcast(step.db, argv, tag, (f ? 0 : isReplaySafe(argv) ? WRITE_REPLAY_SAFE : 0) | echo)) return this.continueAfter(this.out.ready(), steps.slice(i + 1), tag, end);
          break;
        }
        case "emulate":
          this.batch?.close();
          return this.continueAfter(this.emulate(step, tag), steps.slice(i + 1), tag, end);
        case "library": {
          this.batch?.close();
          // a replay: like a broadcast, it ran when any fence is past it
          if (f && step.offset !== undefined && f.replay) {
            if (!covers(f.replay.max, step as FenceId)) f.replay = null;
            else break;
          }
          return this.continueAfter(this.applyLibrary(step.entry, tag), steps.slice(i + 1), tag, end);
        }
        case "flush": {
          this.batch?.close();
          // a replay: when anything after this flush ran, the flush itself did (it is drained around)
          if (f && step.offset !== undefined && f.replay) {
            if (!covers(f.replay.max, step as FenceId)) f.replay = null;
            else break;
          }
          return this.continueAfter(this.flush(step, tag), steps.slice(i + 1), tag, end);
        }
        case "report": {
          this.batch?.close();
          const source = step.source ?? from;
          const halt = this.events.inexact({
            kind: step.refused ? "refused" : "inexact",
            message: step.message,
            keys: step.keys,
            command: source ? source.argv[0].toString().toUpperCase() : "",
            db: source?.db ?? 0,
            offset: tag,
          });
          if (halt) {
            // not done: the checkpoint stays before this command, which runs again on resume
            this.stopped = true;
            return null;
          }
          break;
        }
        case "skip":
          if (step.message) this.events.info(step.message);
          break;
      }
    }
    this.events.done(end);
    return null;
  }

  private async continueAfter(wait: Promise<void>, rest: Planned[], tag: number, end: number): Promise<void> {
    await wait;
    if (this.stopped) return;
    await this.run(rest, tag, end);
  }

  /**
   * FLUSHDB/FLUSHALL: every earlier write lands first. A standalone source (or a cluster master that
   * owns every slot) empties whole destination databases; one master of a source cluster empties only
   * its own slots, so the keys of the other masters stay. The product's own keys are kept.
   */
  private async flush(step: Extract<Step, { kind: "flush" }>, tag: number): Promise<void> {
    await this.out.drained();
    // A crash between the flush and its fence would leave a destination without fences (the flush
    // removed them): a replay from an older checkpoint would run every write before the flush again
    // (PUBLISH delivered twice, moves of keys the flush removed reported as divergences). With the
    // checkpoint stored here, a replay starts at this flush.
    if (this.fence && this.events.settled) await this.events.settled();
    const filter = this.ctx.filter?.active ? this.ctx.filter : null;
    if (filter) {
      // under a key filter the source's flush removed the included keys; the destination's other
      // keys are outside the task (the operator's) and stay: SCAN + UNLINK of the included ones
      await clearShard(this.control(), [step.db], step.slots ?? [], { keepOwnKeys: true, only: (k) => filter.keyIncluded(k) });
    } else if (step.slots === null) {
      if (!this.out.broadcast(step.db, step.argv, tag, this.fence ? 0 : WRITE_REPLAY_SAFE)) await this.out.ready();
    } else {
      await clearShard(this.control(), [step.db], step.slots, { keepOwnKeys: true });
    }
    await this.out.drained();
    // what ran before this flush is gone on the destination: a replay must neither redo it nor
    // flush again over writes that came after (fence.ts)
    const id = step as Planned;
    if (this.fence && id.offset !== undefined) {
      const key = this.fence.fences.flushKey();
      this.out.write(step.db, this.fence.fences.flushFenceCommand({ offset: id.offset, sub: id.sub! }), key, tag, 0);
      // nothing after the flush runs before its fence is in place: a later write on another node
      // would raise the replay's horizon past a flush that no fence records, and the writes before the
      // flush, whose slot fences it deleted, would come back
      await this.out.drained();
    }
  }

  private async emulate(step: Extract<Planned, { kind: "emulate" }>, tag: number): Promise<void> {
    // Every earlier write must be on the destination before its inputs are read back.
    await this.out.drained();
    const client = this.control();
    if ("select" in client && typeof (client as Redis).select === "function" && !("nodes" in client)) await (client as Redis).select(step.db);
    const f = this.fence;
    const id = step.offset !== undefined ? { offset: step.offset, sub: step.sub! } : null;
    if (f?.replay && id && !covers(f.replay.max, id)) f.replay = null;
    // the emulation's writes are fenced one by one (sub-ids above the command's own writes)
    const writes: EmulationWrites =
      f && id
        ? { wrap: (argv, key, n) => (fenceable(argv) ? f.fences.wrap(argv, f.fences.keyFor(key)!, { offset: id.offset, sub: 1000 + id.sub * 16 + n }) : argv), replaying: f.replay !== null }
        : { wrap: (argv) => argv, replaying: false };
    try {
      await emulate(client, step.name, step.argv, this.tmpPrefix, writes, step.layout);
    } catch (err) {
      if (!(err instanceof EmulationError)) throw err;
      const source = step.source;
      if (this.events.inexact({ kind: "inexact", message: err.message, keys: step.keys.map((i) => step.argv[i]), command: step.name.toUpperCase(), db: source?.db ?? 0, offset: tag })) this.stopped = true;
    }
  }


  private async applyAll(entries: CommandEntry[], tag: number): Promise<void> {
    for (const e of entries) {
      if (this.stopped) return;
      this.remember(commandName(e.argv[0]), e.argv);
      await this.keysFirst([e]);
      const steps = this.plan(e);
      await this.takeMigrationWait();
      await this.run(steps, tag, e.end);
    }
  }

  /**
   * MULTI/EXEC stays atomic where the destination can run it as one transaction: a standalone
   * destination, or one slot of a cluster (a cluster node refuses EXEC over keys of several slots,
   * even slots it owns itself). Otherwise its commands are applied one by one in their order: the
   * same result once all have run (a reader may see the steps in between).
   */
  private applyTx(entries: CommandEntry[], exec: CommandEntry): Promise<void> | null {
    this.tx = null;
    const steps: Planned[] = [];
    for (const e of entries) {
      const name = commandName(e.argv[0]);
      this.remember(name, e.argv);
      for (const s of name === "function" && this.shared.functions ? this.planFunction(e) : this.plan(e, name)) steps.push(s);
      // a transaction is not where MIGRATE's halves come from: its RESTORE-ASKING goes as it is
      this.migrationWait = null;
    }
    const writes = steps.filter((s): s is Extract<Planned, { kind: "write" }> => s.kind === "write");
    if (writes.length !== steps.length) {
      if (steps.some((s) => s.kind !== "skip")) this.splitTx();
      return this.run(steps, this.txStart, exec.end);
    }
    if (writes.length === 0) {
      this.events.done(exec.end);
      return null;
    }
    const anchor = writes.find((w) => w.key)?.key ?? null;
    if (!this.oneTransaction(writes, anchor)) return this.run(steps, this.txStart, exec.end);
    const framed: Planned[] = [
      { kind: "write", db: writes[0].db, argv: [b("MULTI")], key: anchor },
      ...writes.map((w) => ({ ...w, key: w.key ?? anchor, inTx: true })),
      { kind: "write", db: writes[writes.length - 1].db, argv: [b("EXEC")], key: anchor },
    ];
    if (this.txMemory.size >= 1024) this.txMemory.delete(this.txMemory.keys().next().value!);
    this.txMemory.set(this.txStart, framed.map((w) => (w as { argv: Buffer[] }).argv));
    return this.run(framed, this.txStart, exec.end);
  }

  /** said once, then every 1000th time: a workload of such blocks would fill the events with it */
  private splitTx(): void {
    if (this.splitTxCount++ % 1000 === 0) {
      const n = this.splitTxCount === 1 ? "" : ` (${this.splitTxCount} so far)`;
      this.events.info(`a MULTI/EXEC block contains commands that cannot run inside one transaction on this destination: its commands are applied in order${n}`);
    }
  }

  private splitTxCount = 0;

  /** the writes can run as one MULTI/EXEC on the destination */
  private oneTransaction(writes: Array<Extract<Planned, { kind: "write" }>>, anchor: Buffer | null): boolean {
    if (writes.length === 1) return true;
    if (!this.ctx.cluster) {
      const node = this.out.nodeOf(anchor);
      return writes.every((w) => w.key === null || this.out.nodeOf(w.key) === node);
    }
    if (anchor === null) return false;
    const slot = calculateSlot(anchor);
    return writes.every((w) => w.key !== null && calculateSlot(w.key) === slot);
  }
}

function tooBig(argv: Buffer[]): boolean {
  let n = 0;
  for (let i = 0; i < argv.length; i++) if ((n += argv[i].length) > MAX_BATCHED_WRITE) return true;
  return false;
}

function sha1(body: Buffer): string {
  return createHash("sha1").update(body).digest("hex");
}
