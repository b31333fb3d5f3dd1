import { Redis } from "ioredis";
import { DtsError, describeError } from "../../errors";
import { formatAddress } from "../endpoint";
import { ioredisOptions } from "../ioredis-options";
import { RdbParser } from "../rdb/parser";
import { SourceRoleWatch } from "./source-role-watch";
import { describeSourceWait, readSourceSyncConfig, type SourceSyncConfig } from "./source-wait";
import { ReplicationClient } from "../source/replication-client";
import type { ContinueInfo, FullResyncInfo, ReplicatedCommand, ReplicationHandler } from "../source/types";
import type { CommandFailure, DestinationWriter, UncertainCommand, UncertainDecision } from "../writer/types";
import { Applier, type InexactCommand } from "../apply/apply";
import type { DivergenceRecord } from "./divergence";
import { describeRefusal, isReplayEcho, refusalMessage } from "../apply/refusals";
import { MAX_REDO, newRedoId, redoMarkerId, undoneWrites, type RedoWrite, type ResumeFix } from "../apply/refusal-redo";
import { SendHorizon } from "./send-horizon";
import { rdbLoad } from "./rdb-load";
import { Fences, type FenceView } from "../apply/fence";
import { Heartbeat, heartbeatKey } from "./heartbeat";
import { StreamGrowthProbe } from "../source/stream-growth-probe";
import calculateSlot from "cluster-key-slot";
import { OffsetTracker } from "./offset-tracker";
import { emulationTmpPrefix } from "../own-keys";
import type { RdbLoad, ShardCheckpoint, ShardStatus, ShardSyncOptions } from "./shard-types";

/** Errors after which reconnecting cannot help: the operator must act. */
const FATAL: ReadonlySet<string> = new Set(["AUTH_FAILED", "RDB_CORRUPT", "RDB_UNSUPPORTED", "CONFLICT", "DIVERGENCE", "INVALID_CONFIG", "NOT_REDIS"]);
/** how long a source may keep PSYNC (or the RDB after +FULLRESYNC) waiting before the shard reads its settings to say why */
const SOURCE_WAIT_NAMED_AFTER_MS = 500;

/**
 * One source master → the destination: full synchronization (RDB streamed through the parser into
 * the loader) then the command stream, checkpointing the applied offset every second and resuming
 * with PSYNC after any break. Reconnects with backoff; follows a failover through `rediscover`.
 */
export class ShardSync {
  private node: { host: string; port: number };
  private checkpoint: ShardCheckpoint | null;
  private status: ShardStatus;
  private client: ReplicationClient | null = null;
  private tracker: OffsetTracker | null = null;
  private heartbeat: Heartbeat | null = null;
  private hbKey: string;
  /** the row a checkpoint is saved under: the first master's address, kept across failovers */
  private readonly shardId: string;
  private hbPending: Array<[number, number]> = [];
  private lastSaved = -1;
  private heartbeatRefused = false;
  /** when the applied offset last equalled what was received: the offset-based latency estimate */
  private caughtUpAt = Date.now();
  private stopped = false;
  private fatal: DtsError | null = null;
  /** ends a session that is waiting for its last apply (see session's `end`) */
  private abandonSession: (() => void) | null = null;
  /** replaced when its connection broke with writes of unknown outcome (see onWriterLost) */
  private writer: DestinationWriter;
  private readonly fences: Fences;
  /** exactly-once writing (fence.ts): null until the destination was asked whether it runs scripts */
  private fencing: boolean | null = null;
  private writerLost = false;
  /**
   * set when the divergence policy stops the shard at a command: the checkpoint never passes this
   * offset, so a resume runs that command again
   */
  private haltAt: { offset: number; db: number } | null = null;
  /** a pause at a refused write being completed: everything in flight answered, then saved (finishHalt) */
  private halting: Promise<void> | null = null;
  /** the refused writes a resume applies once */
  private redo: RedoWrite[] = [];
  /** what the checkpoint carries until the replay passed the pause point (refusal-redo.ts) */
  private resumeFix: ResumeFix | undefined;
  /**
   * the pause point whose refused writes this run applied again (their tag): the stream's own
   * commands there are skipped, so a refusal tagged so is one of those writes refused again
   */
  private redoneAt: number | null = null;
  /** the current session's applier (its transactions, for refusals inside them) */
  private applier: Applier | null = null;
  /** how far this run may have written: stored before writes get past it (send-horizon.ts) */
  private horizon: SendHorizon | null = null;
  /**
   * the next replay's window: commands before this offset may have run (the stored horizon after a
   * restart, the last handed-over command after a lost destination connection)
   */
  private replayUntil: number;

  constructor(private readonly o: ShardSyncOptions) {
    this.node = { host: o.source.host, port: o.source.port };
    this.checkpoint = o.checkpoint;
    this.resumeFix = o.checkpoint?.phase === "incremental" ? o.checkpoint.resume : undefined;
    this.replayUntil = o.checkpoint?.phase === "incremental" ? (o.checkpoint.horizon ?? -1) : -1;
    this.hbKey = heartbeatKey(o.taskId, o.slots);
    this.shardId = o.checkpoint?.sourceNode ?? formatAddress(o.source);
    this.writer = o.writer;
    this.fences = new Fences(o.taskId, this.shardId, o.plan.cluster);
    this.status = {
      source: formatAddress(this.node),
      phase: "connecting",
      replid: o.checkpoint?.replid ?? null,
      offset: o.checkpoint?.offset ?? null,
      appliedOffset: o.checkpoint?.phase === "incremental" ? o.checkpoint.offset : null,
      fullSync: { keys: 0, bytes: 0, totalBytes: null, done: o.checkpoint?.phase === "incremental" },
      latencyMs: null,
      commands: 0,
      waiting: null,
    };
  }

  snapshot(): ShardStatus {
    const stats = this.client?.stats();
    if (stats?.receivedOffset != null) this.status.offset = stats.receivedOffset;
    if (this.tracker) this.status.appliedOffset = this.applied().offset;
    return { ...this.status, fullSync: { ...this.status.fullSync } };
  }

  /** Runs until stop() or a fatal error (thrown). */
  async run(): Promise<void> {
    this.heartbeat = new Heartbeat({
      source: { ...this.o.source, mode: "standalone" },
      key: this.hbKey,
      db: this.o.heartbeatDb,
      onRefused: (reason) => {
        this.heartbeatRefused = true;
        this.o.log("warn", `${this.status.source}: the heartbeat key cannot be written (${reason}); latency is estimated from offsets`);
      },
    });
    this.heartbeat.start();
    const timer = setInterval(() => {
      void this.tick();
      void this.watchRole();
    }, 1000);
    // Latency is measured when the heartbeat's write is acknowledged, to within 50 ms.
    const latency = setInterval(() => this.measureLatency(), 50);
    try {
      if (!this.checkpoint && this.o.initialSync === "incremental_only") {
        this.checkpoint = await this.currentPosition();
        // fences of an earlier run of this task belong to another stretch of the source's history
        await this.probeFencing();
        if (this.fencing) await this.fences.reset(this.o.control(), this.o.destDbs);
      }
      for (let attempt = 0; !this.stopped; attempt++) {
        const began = Date.now();
        const error = await this.session();
        if (this.stopped || this.halted) break;
        // A session that ran a while was healthy: the next break starts the backoff again.
        if (Date.now() - began > 30_000) attempt = 0;
        if (this.fatal) throw this.fatal;
        if (error && FATAL.has(error.code)) throw error;
        this.status.phase = "retrying";
        this.status.waiting = `replication stream interrupted: ${error ? describeError(error) : "closed"}`;
        const delay = Math.min(500 * 2 ** Math.min(attempt, 5), 15_000);
        this.o.log("warn", `${this.status.source}: replication stream interrupted (${error ? describeError(error) : "closed"}); reconnecting in ${delay} ms`);
        // a demoted master (planned failover) is left at once; a broken stream is first retried as is
        const demoted = this.demoted;
        this.demoted = false;
        if (!demoted) await sleep(delay);
        if ((attempt > 0 || demoted) && this.o.rediscover && this.o.slots.length > 0) await this.followFailover();
      }
    } finally {
      clearInterval(timer);
      clearInterval(latency);
      this.roleWatch?.close();
      this.heartbeat.stop();
      if (this.halting) await this.halting;
      await this.tick();
      this.status.phase = this.fatal ? "failed" : "stopped";
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.sourceWaitTimer) clearTimeout(this.sourceWaitTimer);
    this.client?.close(null);
    this.abandonSession?.();
  }

  /** the slots this master serves now (a source cluster was resharded): flushes, failover and heartbeat follow */
  setSlots(slots: Array<[number, number]>): void {
    this.o.slots = slots;
    this.o.plan.sourceSlots = slots;
    this.applier?.setSourceSlots(slots);
    if (slots.length === 0 || heartbeatKey(this.o.taskId, slots) === this.hbKey) return;
    // the heartbeat's slot moved away: its writes would be redirected, so it takes a slot still here
    const tag = /\{([^}]*)\}$/.exec(this.hbKey)?.[1];
    if (tag !== undefined && slots.some(([a, b]) => inRange(calculateSlot(tag), a, b))) return;
    this.hbKey = heartbeatKey(this.o.taskId, slots);
    this.heartbeatRefused = false;
    this.heartbeat?.stop();
    this.heartbeat = new Heartbeat({ source: { ...this.o.source, ...this.node, mode: "standalone" }, key: this.hbKey, db: this.o.heartbeatDb, onRefused: () => {} });
    this.heartbeat.start();
  }

  get slots(): Array<[number, number]> {
    return this.o.slots;
  }

  /** the master this shard streams from now */
  get address(): string {
    return formatAddress(this.node);
  }

  get replicationId(): string | null {
    return this.status.replid;
  }

  /** stopped by the divergence policy (the task pauses or fails) */
  get halted(): boolean {
    return this.haltAt !== null || this.haltedInFull;
  }
  private haltedInFull = false;

  /**
   * One divergence: counted and recorded by the task; when the policy says stop, the shard stops at
   * `at` (the offset of the diverging command; null in the full synchronization, which is run again).
   */
  private diverged(r: Omit<DivergenceRecord, "shard" | "at" | "phase">, at: { offset: number; db: number } | null): boolean {
    const decision = this.o.divergence.record({ ...r, shard: this.status.source, at: Date.now(), phase: at ? "incremental" : "full" });
    if (decision === "continue") return false;
    if (at) {
      if (!this.haltAt || at.offset < this.haltAt.offset) this.haltAt = at;
    } else this.haltedInFull = true;
    this.status.waiting = `stopped by the divergence policy (${decision})`;
    // the session ends; what was queued before still reaches the destination, the checkpoint stays at `at`
    this.client?.close(null);
    this.abandonSession?.();
    return true;
  }

  /** A write the destination answered with an error in the incremental phase. */
  private onRefused(f: CommandFailure): void {
    // an unfenced write of a replay after a crash that ran before (BUSYGROUP, an XADD id at or below
    // the top, LSET on a list deleted later...): nothing diverged
    if (f.replayed) {
      this.o.log("info", `${this.status.source}: ${describeRefusal(f.argv).command} sent again by the replay after a restart answered "${f.error.message}": it ran before the restart`);
      return;
    }
    if ((f.uncertain || this.fencing === false) && isReplayEcho(f)) return;
    const { command, keys } = describeRefusal(f.argv);
    const db = this.tracker ? this.tracker.at(f.tag).db : 0;
    const at = { offset: f.tag, db };
    const firstHalt = this.haltAt === null && !this.halting;
    // what was handed to the writer until now has been sent: a resume skips it once it is all answered;
    // a pause again at the resume's redo still skips what was answered before the first pause
    const upTo = Math.max(this.tracker?.handedOver().offset ?? f.tag, this.resumeFix?.skipTo ?? -1);
    const repeat = f.tag === this.redoneAt;
    const stops = this.diverged({ kind: "refused", db, command, keys, reason: `${f.inTransaction ? "inside EXEC: " : ""}${refusalMessage(f.error.message)} (${f.node})`, ...(repeat && { repeat }) }, at);
    if (!stops) return;
    // each write recorded gets a marker id of its own (refusal-redo.ts), one refused again at a resume too: it did not run.
    // A redo write carries the pause offset as its tag, which is also the tag of the stream's own command there (skipped
    // in this session): once the applier had read that command's transaction, the redo write looked like a command
    // queued inside it and was dropped from the list, so the next resume had nothing to apply.
    const txWrites = (t: number) => (repeat ? undefined : this.applier?.txWrites(t));
    for (const w of undoneWrites(f, f.db ?? 0, txWrites)) if (this.redo.length < MAX_REDO) this.redo.push({ ...w, id: newRedoId() });
    if (firstHalt) this.halting = this.finishHalt(upTo);
  }

  /**
   * The pause at a refused write, completed: once every write already sent is answered, the
   * checkpoint stays at the refused command and says what a resume skips and applies again.
   */
  private async finishHalt(upTo: number): Promise<void> {
    // the bound's timer is cleared: left running it kept a paused engine process alive 15 s more
    let bound: NodeJS.Timeout | undefined;
    const drained = await Promise.race([this.writer.drained().then(() => true, () => false), new Promise<boolean>((r) => (bound = setTimeout(() => r(false), 15_000)))]);
    clearTimeout(bound);
    const at = this.haltAt;
    if (!at || !this.status.replid) return;
    // refused writes found while draining came before upTo too: they are in this.redo already
    const fix: ResumeFix | undefined = drained ? { skipTo: upTo, redo: this.redo } : undefined;
    if (!drained) this.o.log("warn", `${this.status.source}: the destination did not answer every write sent before the pause; a resume relies on the fences alone`);
    this.checkpoint = { sourceNode: this.shardId, replid: this.status.replid, offset: at.offset, db: at.db, phase: "incremental", ...(fix && { resume: fix }) };
    this.lastSaved = at.offset;
    try {
      await this.o.saveCheckpoint(this.checkpoint);
    } catch (err) {
      this.o.log("error", `${this.status.source}: checkpoint not saved at the pause: ${describeError(err)}`);
    }
  }

  /** At a resume from a pause at refused writes: those writes, once each, before the stream goes on. */
  private applyRedo(fix: ResumeFix, at: number): void {
    this.redoneAt = at;
    fix.redo.forEach((w, n) => {
      const guarded = this.fencing ? this.fences.redoCommand(w.argv, w.key, redoMarkerId(w, at, n)) : null;
      this.writer.write(w.db, guarded ?? w.argv, w.key, at, 0);
    });
    if (fix.redo.length) this.o.log("info", `${this.status.source}: applied the ${fix.redo.length} write(s) refused before the pause; the writes answered after them are not applied again`);
  }

  /**
   * Where the next session continues. Within this process that is right after the last command
   * handed to the writer (the writer delivers everything it accepted), not the stored checkpoint,
   * which lags by up to a second: resuming from there would apply those commands twice.
   */
  private resumePoint(): ShardCheckpoint | undefined {
    // the commands reported done are all with the writer, none left in an open fence batch
    this.applier?.flushBatch();
    if (this.tracker && this.status.replid) {
      const { offset, db } = this.tracker.handedOver();
      return { sourceNode: this.shardId, replid: this.status.replid, offset, db, phase: "incremental" };
    }
    return this.checkpoint?.phase === "incremental" ? this.checkpoint : undefined;
  }

  private applied(): { offset: number; db: number } {
    this.applier?.flushBatch();
    return this.tracker ? this.tracker.applied(this.writer.watermark()) : { offset: 0, db: 0 };
  }

  private measureLatency(): void {
    if (!this.tracker) return;
    const offset = this.applied().offset;
    if (this.heartbeatRefused) {
      // No heartbeat: how long the destination has been behind what the source sent.
      const received = this.client?.stats().receivedOffset ?? offset;
      if (offset >= received) this.caughtUpAt = Date.now();
      this.status.latencyMs = Date.now() - this.caughtUpAt;
      return;
    }
    while (this.hbPending.length && this.hbPending[0][0] <= offset) {
      this.status.latencyMs = Math.max(0, Date.now() - this.hbPending.shift()![1]);
    }
  }

  /** Checkpoint bookkeeping, once a second; one save at a time, so a later one never lands first. */
  private tick(): Promise<void> {
    return (this.ticking = this.ticking.then(() => this.saveApplied()));
  }

  private ticking: Promise<void> = Promise.resolve();

  /** stores `cp` after any save in progress, so it never lands before an older one; a failure is an error event */
  private store(cp: ShardCheckpoint, what: string): Promise<void> {
    const save = () => this.o.saveCheckpoint(cp).catch((err) => this.o.log("error", `${this.status.source}: checkpoint ${what} not saved: ${describeError(err)}`));
    return (this.ticking = this.ticking.then(save));
  }

  private async saveApplied(): Promise<void> {
    // A failed writer no longer knows what it had in flight: its watermark would overstate.
    if (!this.tracker || !this.status.replid || this.status.phase === "full" || this.writer.failure || this.halting) return;
    let { offset, db } = this.applied();
    if (this.haltAt && this.haltAt.offset < offset) ({ offset, db } = this.haltAt);
    if (offset === this.lastSaved) return;
    this.lastSaved = offset;
    // A master reached through SYNC (before 2.8) has no replication id: nothing to resume from.
    const phase = this.status.replid === "?" ? "full" : "incremental";
    // the pause point's repair stays in the checkpoint until the replay is past it
    if (this.resumeFix && offset >= this.resumeFix.skipTo) this.resumeFix = undefined;
    this.checkpoint = { sourceNode: this.shardId, replid: this.status.replid, offset, db, phase, ...(this.resumeFix && { resume: this.resumeFix }) };
    try {
      await this.o.saveCheckpoint(this.checkpoint);
    } catch (err) {
      this.o.log("error", `${this.status.source}: checkpoint not saved: ${describeError(err)}`);
    }
  }

  /** Where the master is now, for "incremental data only" tasks: continue from there. */
  private async currentPosition(): Promise<ShardCheckpoint> {
    const c = new Redis(ioredisOptions(this.o.source, { lazyConnect: true, maxRetriesPerRequest: 1 }));
    c.on("error", () => {});
    try {
      await c.connect();
      const info = String(await c.info("replication"));
      const replid = /master_replid:(\w+)/.exec(info)?.[1];
      const offset = Number(/master_repl_offset:(\d+)/.exec(info)?.[1]);
      if (!replid || !Number.isFinite(offset)) throw new DtsError("PROTOCOL_ERROR", `${this.status.source} does not report its replication offset`);
      this.o.log("info", `${this.status.source}: incremental data only, starting at offset ${offset}`);
      return { sourceNode: this.shardId, replid, offset, db: 0, phase: "incremental" };
    } finally {
      c.disconnect();
    }
  }

  private async followFailover(): Promise<void> {
    try {
      const next = await this.o.rediscover!(this.o.slots[0][0]);
      if (next && (next.host !== this.node.host || next.port !== this.node.port)) {
        this.o.log("warn", `${this.status.source}: its slots are now served by ${formatAddress(next)}; following the failover with PSYNC`);
        this.node = next;
        this.status.source = formatAddress(next);
        this.heartbeat?.stop();
        this.heartbeat = new Heartbeat({ source: { ...this.o.source, ...next, mode: "standalone" }, key: this.hbKey, db: this.o.heartbeatDb, onRefused: () => {} });
        this.heartbeat.start();
      }
    } catch (err) {
      this.o.log("warn", `${this.status.source}: cluster rediscovery failed: ${describeError(err)}`);
    }
  }

  /**
   * Asks once whether the destination runs scripts: fenced writes need EVAL. Without it, writes of
   * unknown outcome after a lost connection are resent (at least once) with an event naming them.
   */
  private async probeFencing(): Promise<void> {
    if (this.fencing !== null) return;
    try {
      await this.o.control().eval("return 1", 0);
      this.fencing = true;
    } catch (err) {
      // only a refusal is an answer; a connection problem is asked again next time
      if ((err as Error)?.name !== "ReplyError") return;
      this.fencing = false;
      this.o.log("warn", `${this.status.source}: the destination refuses scripts (${describeError(err)}): after a lost destination connection or a restart, some writes may be applied twice`);
    }
  }

  /**
   * The destination connection broke with writes whose outcome is unknown. Rather than guess, the
   * shard starts over from what the destination surely has (the lowest of those writes), with a new
   * writer, and the replay skips what the fences say ran already.
   */
  private onWriterLost(cmds: UncertainCommand[]): UncertainDecision {
    let wm = this.writer.watermark();
    for (const c of cmds) if (c.tag < wm) wm = c.tag;
    if (this.tracker && this.status.replid) {
      const { offset, db } = this.tracker.applied(wm);
      this.checkpoint = { sourceNode: this.shardId, replid: this.status.replid, offset, db, phase: "incremental" };
      this.lastSaved = offset;
      void this.store(this.checkpoint, "after the lost destination connection");
      this.o.log("warn", `${this.status.source}: the destination connection broke with ${cmds.length} writes of unknown outcome; replaying from offset ${offset}, skipping what already ran`);
    }
    // everything handed over may have run: the replay from the surely-applied offset echoes it
    if (this.tracker) this.replayUntil = Math.max(this.replayUntil, this.tracker.handedOver().offset);
    this.tracker = null;
    this.writerLost = true;
    this.client?.close(new DtsError("CONNECT_FAILED", "the destination connection broke"));
    return "fail";
  }

  /** One replication session, after replacing a lost writer; resolves with the error that ended it (null when stopped). */
  private async session(): Promise<DtsError | null> {
    if (this.writerLost) {
      try {
        this.writer = await this.o.reopenWriter(this.writer);
        this.writerLost = false;
      } catch (err) {
        return err instanceof DtsError ? err : new DtsError("CONNECT_FAILED", describeError(err));
      }
    }
    return this.stream();
  }

  /**
   * One connection to the master, in three phases that read top to bottom below: the handshake
   * (PSYNC: a full resync or a continuation), the full synchronization (the RDB through the parser
   * into the loader) and the incremental phase (each command through the applier). Resolves with
   * the error that ended the session (null when stopped).
   */
  private stream(): Promise<DtsError | null> {
    return new Promise((resolve) => {
      const resume = this.resumePoint();
      const s: Session = { client: null!, resume, parser: null, load: null, loadBlocked: false, applier: null, base: 0, busy: null };
      const handler: ReplicationHandler = {
        fullResync: (info) => this.startFullSync(s, info),
        rdbData: (chunk) => this.loadRdbChunk(s, chunk),
        rdbEnd: () => this.finishFullSync(s),
        continued: (info) => this.continueIncremental(s, info),
        command: (cmd) => this.applyCommand(s, cmd),
        control: (cmd) => {
          if (!this.tracker) return;
          this.tracker.delivered(cmd.startOffset, cmd.db);
          this.tracker.done(cmd.endOffset);
        },
        end: (error) => this.endSession(s, error, resolve),
        notice: (message, level) => this.o.log(level ?? "warn", message),
        waiting: (step) => {
          // the handshake says so just before it writes PSYNC
          if (step === "psync") this.o.asked?.();
          this.onSourceWait(step);
        },
      };
      s.client = this.handshake(resume, handler);
    });
  }

  // ── Handshake ─────────────────────────────────────────────────────────────────────────────────

  /** Connects to the master and asks to continue from `resume` (PSYNC), else for everything. */
  private handshake(resume: ShardCheckpoint | undefined, handler: ReplicationHandler): ReplicationClient {
    const client = new ReplicationClient(
      {
        host: this.node.host,
        port: this.node.port,
        username: this.o.source.username,
        password: this.o.source.password,
        tls: this.o.source.tls,
        checkpoint: resume ? { replid: resume.replid, offset: resume.offset, db: resume.db } : undefined,
        appliedOffset: () => this.applied().offset,
        spoolDir: this.o.spoolDir,
        streamProbe: new StreamGrowthProbe({ ...this.o.source, host: this.node.host, port: this.node.port }),
      },
      handler,
    );
    this.client = client;
    this.status.phase = "connecting";
    client.start();
    return client;
  }

  /** Stops reading the stream until `p` settles (the writer or the loader catches up); a failure ends the session. */
  private pauseUntil(s: Session, p: Promise<void>): void {
    s.client.pause();
    const settled: Promise<void> = p.then(() => s.client.resume(), (err) => this.failSession(s, err)).finally(() => {
      if (s.busy === settled) s.busy = null;
    });
    s.busy = settled;
  }

  private failSession(s: Session, err: unknown): void {
    // the writer failed on purpose (onWriterLost): the next session replays
    if (this.writerLost) return;
    this.fatal = err instanceof DtsError ? err : new DtsError("INTERNAL", describeError(err));
    s.client.close(this.fatal);
  }

  private endSession(s: Session, error: DtsError | null, resolve: (error: DtsError | null) => void): void {
    // A command (or the load's end) still being handed to the writer belongs to this session:
    // the next session continues right after it, so it must be complete first.
    const finish = () => {
      this.abandonSession = null;
      resolve(error);
    };
    if (!s.busy || this.stopped || this.halted) return finish();
    this.abandonSession = finish;
    void s.busy.then(finish);
  }

  // ── Full synchronization ──────────────────────────────────────────────────────────────────────

  /** The master sends its whole data set: a new checkpoint, a new loader, and (on a rerun) a clean slate. */
  private startFullSync(s: Session, info: FullResyncInfo): void {
    const rerun = this.checkpoint !== null || this.status.fullSync.keys > 0;
    this.status.phase = "full";
    this.status.waiting = null;
    this.resumeFix = undefined;
    this.replayUntil = -1;
    this.status.replid = info.replid;
    this.status.fullSync = { keys: 0, bytes: 0, totalBytes: info.rdbLength, done: false };
    this.tracker = null;
    s.base = info.offset;
    this.o.log("info", `${this.status.source}: full synchronization started (replid ${info.replid}, offset ${info.offset}${info.rdbLength ? `, RDB ${info.rdbLength} bytes` : ""})`);
    // Until the load completes a restart must start over (and may overwrite what this attempt wrote).
    this.checkpoint = { sourceNode: this.shardId, replid: info.replid, offset: info.offset, db: 0, phase: "full" };
    void this.store(this.checkpoint, "of the full synchronization's start");
    // Even an "incremental data only" task loads a full resync it is forced into: without it,
    // the writes the master can no longer replay would be lost.
    if (this.o.initialSync === "incremental_only") this.o.log("warn", `${this.status.source}: the master could not continue from the checkpoint; loading its full data (existing keys are overwritten)`);
    // keys of an earlier attempt may be there: they are this task's own, overwritten
    const conflict = rerun || this.o.initialSync === "incremental_only" || this.o.joinedLate ? "ignore" : this.o.load.conflict;
    const load = rdbLoad({
      writer: this.writer,
      mapping: this.o.load.mapping,
      conflict,
      log: (level, message) => this.o.log(level, message),
      // every key it could not write exactly is a divergence
      onIssue: (i) => {
        if (i.kind === "conflict") return;
        this.diverged({ kind: i.kind === "inexact" ? "inexact" : "refused", db: i.db ?? null, command: i.command ?? "RESTORE", keys: i.key ? [i.key] : [], reason: i.message }, null);
      },
      functions: this.o.functions,
      taskId: this.o.taskId,
      keyIncluded: this.o.load.keyIncluded,
      throttle: this.o.limiter?.fullSync,
    });
    s.load = load;
    // Values go from the stream into RESTORE commands without a copy of their own, and the
    // master's encoded values are trusted as a replica trusts them (the RDB's CRC is still checked).
    // a master that joined late holds keys moved from others, whose DELs may still be on their way
    const moved = this.o.joinedLate && this.o.migrations ? this.o.migrations : null;
    s.parser = new RdbParser(
      (e) => {
        if (moved && e.kind === "key") moved.noteLoadedKey(this.shardId, e.db, e.key);
        if (!load.event(e)) s.loadBlocked = true;
      },
      { transientValues: true, validateEncoded: false },
    );
    if (rerun) this.pauseUntil(s, this.clearInterruptedLoad());
  }

  /** A full sync started over: what the interrupted attempt wrote leaves the destination first. */
  private async clearInterruptedLoad(): Promise<void> {
    const clear = this.o.clearShard;
    // what the interrupted attempt still had in the writer lands first, then goes
    await this.writer.drained();
    const n = clear ? await clear(this.o.slots) : 0;
    // the libraries only this master held go too: its RDB loads what it holds now
    const libs = this.o.functions?.restart(clear !== undefined) ?? [];
    for (const argv of libs) if (!this.writer.broadcast(0, argv, 0, 0)) await this.writer.ready();
    if (libs.length) await this.writer.drained();
    if (n > 0) this.o.log("info", `${this.status.source}: removed ${n} keys an interrupted earlier full synchronization had written`);
    // a new history: offsets may start over, the old fences would hide new writes
    if (this.fencing !== false) await this.fences.reset(this.o.control(), this.o.destDbs);
  }

  private loadRdbChunk(s: Session, chunk: Buffer): void {
    try {
      s.parser!.write(chunk);
    } catch (err) {
      return this.failSession(s, err);
    }
    this.status.fullSync.bytes += chunk.length;
    this.status.fullSync.keys = s.load?.keys ?? 0;
    if (s.loadBlocked || this.writer.full) {
      s.loadBlocked = false;
      this.pauseUntil(s, s.load!.ready());
    }
  }

  /** The RDB ended: once the loader's writes are acknowledged, the incremental phase starts at its offset. */
  private finishFullSync(s: Session): void {
    try {
      s.parser!.end();
    } catch (err) {
      return this.failSession(s, err);
    }
    const load = s.load;
    this.pauseUntil(
      s,
      (async () => {
        await load?.finish();
        await this.writer.drained();
        if (this.o.writerHandlers) this.writer.setHandlers(this.o.writerHandlers);
        this.status.fullSync.keys = load?.keys ?? 0;
        const skipped = load ? `, ${load.skippedExpired} expired keys skipped${load.skippedFilter ? `, ${load.skippedFilter} keys left out by the key filter` : ""}${load.failedKeys ? `, ${load.failedKeys} keys failed` : ""}` : "";
        this.o.log("info", `${this.status.source}: full synchronization done: ${this.status.fullSync.keys} keys, ${this.status.fullSync.bytes} bytes${skipped}`);
        await this.probeFencing();
        this.startIncremental(s, s.base, 0, null);
        // "done" only once the shard is incremental with its offsets: a status (and the task's
        // state, which follows it) never says done beside a shard still at offset 0
        this.status.fullSync.done = true;
        this.o.fullSyncDone?.();
        await this.tick();
      })(),
    );
  }

  // ── Incremental ───────────────────────────────────────────────────────────────────────────────

  /** The master continues from the checkpoint (PSYNC +CONTINUE): no full sync. */
  private continueIncremental(s: Session, info: ContinueInfo): void {
    this.status.waiting = null;
    this.status.replid = info.replid;
    this.status.fullSync.done = true;
    this.o.fullSyncDone?.();
    if (info.replid !== info.previousReplid) this.o.log("info", `${this.status.source}: continuing under the new replication id ${info.replid}`);
    else this.o.log("info", `${this.status.source}: partial resynchronization from offset ${info.offset}, no full sync`);
    const resume = s.resume;
    // What ran already past the checkpoint (a kill, a lost destination connection) is skipped.
    this.pauseUntil(
      s,
      (async () => {
        await this.probeFencing();
        const replay = this.fencing ? await this.fences.read(this.o.control(), this.o.destDbs) : null;
        // the commands up to the stored horizon may have run before this process started
        this.startIncremental(s, info.offset, resume?.db ?? 0, replay, this.replayUntil);
        const fix = this.resumeFix;
        if (fix && resume && info.offset === resume.offset && fix.skipTo > info.offset) {
          this.applyRedo(fix, info.offset);
          s.applier!.skipUntil(fix.skipTo);
        } else this.resumeFix = undefined;
      })(),
    );
  }

  /** From `offset` on, every command goes through a new applier; the writer's callbacks report what diverges. */
  private startIncremental(s: Session, offset: number, db: number, replay: FenceView | null, replayUntil = -1): void {
    const tracker = new OffsetTracker(offset, db);
    this.tracker = tracker;
    // a session without the redo: a refusal at the old pause point is a command of its own stream
    this.redoneAt = null;
    const saveHorizon = this.o.saveHorizon;
    this.horizon = saveHorizon ? new SendHorizon(Math.max(offset, replayUntil), (h) => saveHorizon(this.shardId, h)) : null;
    this.writer.setHandlers({
      onCommandError: (f) => this.onRefused(f),
      // a write applied while an earlier one of its slot was still being retried: their order may be inverted
      onOrderHazard: (h) => {
        const { command, keys } = describeRefusal(h.argv);
        const db = tracker.at(h.tag).db;
        this.diverged({ kind: "inexact", db, command, keys, reason: `applied by ${h.node} while an earlier write to its slot was being retried: their order may be inverted` }, { offset: h.tag, db });
      },
      // with fences a lost connection replays from what surely ran; without them (the destination
      // refuses scripts) writes of unknown outcome are sent again and may apply twice
      onUncertain: this.fencing
        ? (cmds) => this.onWriterLost(cmds)
        : (cmds) => {
            for (const c of cmds) {
              const { command, keys } = describeRefusal(c.argv);
              const db = tracker.at(c.tag).db;
              this.diverged({ kind: "inexact", db, command, keys, reason: "its outcome was lost with the destination connection and it was sent again (the destination refuses scripts, so it may have been applied twice)" }, { offset: c.tag, db });
            }
            return "resend";
          },
    });
    const applier = new Applier(this.writer, this.o.plan, {
      inexact: (c: InexactCommand) =>
        this.diverged({ kind: c.kind, db: c.db, command: c.command, keys: c.keys, reason: c.message }, { offset: c.offset, db: tracker.at(c.offset).db }),
      info: (m) => this.o.log("info", m),
      done: (end) => tracker.done(end),
      settled: () => {
        this.lastSaved = -1;
        return this.tick();
      },
    }, this.o.control, emulationTmpPrefix(this.o.taskId), this.fencing ? { fences: this.fences, replay } : null, {
      functions: this.o.functions,
      throttle: this.o.limiter?.incremental,
      migrations: this.o.migrations ? { ledger: this.o.migrations, shard: this.shardId } : null,
    });
    s.applier = applier;
    this.applier = applier;
    if (replayUntil > offset) applier.setReplayWindow(replayUntil);
    this.status.phase = "incremental";
  }

  private applyCommand(s: Session, cmd: ReplicatedCommand): void {
    this.tracker!.delivered(cmd.startOffset, cmd.db);
    this.status.commands++;
    const argv = cmd.argv;
    if (argv.length >= 3 && argv[1].length === this.hbKey.length && argv[1].toString() === this.hbKey) {
      this.hbPending.push([cmd.endOffset, Number(argv[2].toString())]);
    }
    if (this.halted) return;
    const applier = s.applier!;
    const entry = { argv, db: cmd.db, start: cmd.startOffset, end: cmd.endOffset, receivedAt: Date.now(), raw: cmd.raw };
    // nothing past the stored send horizon is handed over before a new one is stored
    const stored = this.horizon?.before(cmd.startOffset);
    if (stored) {
      this.pauseUntil(s, stored.then(() => applier.apply(entry) ?? undefined));
      return;
    }
    const wait = applier.apply(entry);
    if (applier.failed) return;
    if (wait) this.pauseUntil(s, wait);
    else if (this.writer.full) this.pauseUntil(s, this.writer.ready());
  }

  private roleWatch: SourceRoleWatch | null = null;
  private lastRoleCheck = 0;
  /** the source node was found demoted to a replica: the next session starts on the current master */
  private demoted = false;

  /**
   * Every few seconds of the incremental phase (cluster sources): is the source node still a master?
   * After a planned failover it is a replica that would go on forwarding its new master's stream;
   * the session ends and the shard moves to the master of its slots with PSYNC.
   */
  private async watchRole(): Promise<void> {
    if (!this.o.rediscover || this.o.slots.length === 0 || this.status.phase !== "incremental" || this.stopped || this.demoted) return;
    if (Date.now() - this.lastRoleCheck < 2000) return;
    this.lastRoleCheck = Date.now();
    this.roleWatch ??= new SourceRoleWatch({ username: this.o.source.username, password: this.o.source.password, tls: this.o.source.tls });
    const watched = formatAddress(this.node);
    const role = await this.roleWatch.check(this.node);
    if (role?.role !== "replica" || this.stopped || watched !== formatAddress(this.node) || this.status.phase !== "incremental") return;
    this.demoted = true;
    this.o.log("warn", `${watched}: this source node is now a replica of ${role.master} (a planned failover or a role change); moving to the current master of its slots`);
    this.client?.close(new DtsError("CONNECT_FAILED", `${watched} is no longer a master`));
  }

  private sourceSyncConfig: Promise<SourceSyncConfig | null> | null = null;
  private sourceWaitStep: "psync" | "rdb" | null = null;
  private sourceWaitTimer: NodeJS.Timeout | null = null;

  /** The status says why the shard waits while its source prepares a full resync. */
  private onSourceWait(step: "psync" | "rdb" | null): void {
    const wasOurs = this.sourceWaitStep !== null;
    this.sourceWaitStep = step;
    if (this.sourceWaitTimer) clearTimeout(this.sourceWaitTimer);
    this.sourceWaitTimer = null;
    if (step === null) {
      if (wasOurs) this.status.waiting = null;
      return;
    }
    this.status.waiting = describeSourceWait(step, null);
    if (this.sourceSyncConfig) return this.nameSourceWait(step, this.sourceSyncConfig);
    // The source's settings name the delay: read once per shard, and only once the source has kept
    // it waiting. This is called as PSYNC is sent, and most sources answer at once: reading then
    // cost every start a connection and a CONFIG GET to the source, next to its first RDB bytes.
    this.sourceWaitTimer = setTimeout(() => {
      this.sourceWaitTimer = null;
      if (this.sourceWaitStep !== step || this.stopped) return;
      this.sourceSyncConfig = readSourceSyncConfig({ ...this.o.source, host: this.node.host, port: this.node.port });
      this.nameSourceWait(step, this.sourceSyncConfig);
    }, SOURCE_WAIT_NAMED_AFTER_MS);
    this.sourceWaitTimer.unref();
  }

  private nameSourceWait(step: "psync" | "rdb", config: Promise<SourceSyncConfig | null>): void {
    void config.then((cfg) => {
      if (this.sourceWaitStep === step) this.status.waiting = describeSourceWait(step, cfg);
    });
  }
}

/** What one replication session (one connection to the master) holds while it runs. */
interface Session {
  client: ReplicationClient;
  /** the checkpoint this session asked to continue from */
  resume: ShardCheckpoint | undefined;
  parser: RdbParser | null;
  load: RdbLoad | null;
  /** the loader asked for a pause: the stream waits for it */
  loadBlocked: boolean;
  applier: Applier | null;
  /** the offset the RDB of a full sync stands for */
  base: number;
  /** what the applier or loader is finishing while the stream is paused */
  busy: Promise<void> | null;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function inRange(slot: number, a: number, b: number): boolean {
  return slot >= a && slot <= b;
}
