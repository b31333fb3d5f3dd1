import { crcBackend } from "../rdb/crc64";
import { mkdirSync } from "node:fs";
import { Redis, Cluster } from "ioredis";
import { DtsError, describeError } from "../../errors";
import { formatAddress, type Endpoint } from "../endpoint";
import { ioredisOptions } from "../ioredis-options";
import { discoverTopology, historyIds, masters, readReplicationHistory, type Topology, type TopologyNode } from "../topology";
import { MigrationLedger } from "../apply/migration-ledger";
import { SourceTopologyWatch } from "./source-topology-watch";
import { openWriter } from "../writer/open-writer";
import type { DestinationWriter, WriterHandlers } from "../writer/types";
import { ShardSync } from "./shard-sync";
import { ScanShard } from "./scan-shard";
import { chooseSourceReader, SCAN_LABEL, SCAN_REPLID, type SourceReader } from "./source-reader";
import type { ShardCheckpoint, ShardStatus } from "./shard-types";
import { dbMapping, type DbMapping } from "./db-mapping";
import { clearShard } from "../apply/clear-shard";
import { DivergenceLog, describeRecord, type DivergencePolicy, type DivergenceRecord, type DivergenceSummary, type DivergenceDecision } from "./divergence";
import { FunctionLibraries, type ShardLibraries } from "../loader/function-libraries";
import { PubsubForwarder, type PubsubStatus } from "./pubsub-forwarder";
import { learnCommandKeys } from "../commands/learn-command-keys";
import type { TTaskState } from "../../../contracts/task.types";
import { keyFilterOf, type KeyFilterSpec } from "../filter/key-filter";
import { SpeedLimiter, describeLimits, type SpeedLimits } from "../limit/speed-limiter";

/** The task states an engine reports (the one list: contracts/task.types.ts); it never reports not_started. */
export type TaskState = Exclude<TTaskState, "not_started">;

export interface SyncTaskConfig {
  taskId: string;
  source: Endpoint;
  target: Endpoint;
  /** selected source databases; undefined = every database the source has */
  dbs?: number[];
  dbMap: Map<number, number>;
  conflict: "intercept" | "ignore";
  initialSync: "full_and_incremental" | "incremental_only";
  ignoreFlush?: boolean;
  /** what a refused or inexact write does (divergence.ts); default pause */
  onDivergence?: DivergencePolicy;
  spoolDir: string;
  /**
   * how the source is read: "psync" (replication), "scan" (SCAN + DUMP and keyspace notifications,
   * for sources that refuse PSYNC: scan-shard.ts), "auto" (scan when a master refuses PSYNC; the CLI's default); default "psync"
   */
  sourceReader?: "auto" | SourceReader;
  /** which keys are synchronized (../filter); absent or empty: every key */
  keyFilter?: KeyFilterSpec;
  /** speed limits at the start (../limit); changed while running with setLimits() */
  limits?: SpeedLimits;
  /**
   * Runs only the source masters this accepts (a `redis-dts worker` runs some shards of a task);
   * default every master. A filter that accepts none is an error (the shard's master is gone).
   */
  sources?: (node: { host: string; port: number; slots: Array<[number, number]> }) => boolean;
  /**
   * Whether this process does the task-wide work: the pub/sub forwarder of a cluster source and the
   * check that the masters agree on Functions libraries. Default true; a worker sets it on the one
   * process that holds the task's first shard, so it is done once per task.
   */
  taskWide?: boolean;
}

/** One source master's stream, whichever reader runs it. */
interface Shard {
  run(): Promise<void>;
  stop(): void;
  snapshot(): ShardStatus;
  readonly halted: boolean;
}

export interface SyncStore {
  loadCheckpoints(): Promise<ShardCheckpoint[]>;
  saveCheckpoint(cp: ShardCheckpoint): Promise<void>;
  /** raises a shard's send horizon (send-horizon.ts); optional: without it a replay has no window */
  saveHorizon?(sourceNode: string, horizon: number): Promise<void>;
  log(level: "info" | "warn" | "error", message: string): void;
  /** a divergence (divergence.ts): its event, and its keys kept for Data Verification. Must not throw. */
  divergence?(r: DivergenceRecord, decision: DivergenceDecision): void;
}

/** The status every consumer reads: the CLI's --json lines, the console's status page. */
export interface SyncSnapshot {
  state: TaskState;
  fullSync: { keys: number; bytes: number; totalBytes: number | null; done: boolean };
  shards: Array<{ source: string; replid: string | null; offset: number | null; appliedOffset: number | null; phase: ShardStatus["phase"]; /** why it waits (the source preparing a full resync, a broken stream), null when it does not */ waiting?: string | null }>;
  latencyMs: number | null;
  opsPerSec: number;
  /**
   * What holds the task back right now, one sentence each (a destination refusing writes, a source
   * link being re-established); empty when it flows. The task waits and retries by itself meanwhile.
   */
  warnings: string[];
  /** refused and inexact writes: counts, the last few, and what stopped the task if the policy did */
  divergence: DivergenceSummary;
  error?: string;
  /** the pub/sub forwarder of a cluster source (pubsub-forwarder.ts); absent for a standalone source */
  pubsub?: PubsubStatus;
  /** how the source is read, once decided: "scan" is best effort (the status says so: SCAN_LABEL) */
  sourceReader?: SourceReader;
  /** the speed limits in force (../limit) */
  limits: SpeedLimits;
  /** "throttled by limit: 10000 keys/s" while a limit holds the engine back; absent otherwise */
  throttled?: string;
  /** the key filter, one line ("include user:*; exclude *:tmp"); absent when every key is synchronized */
  keyFilter?: string;
}

/**
 * A synchronization task: one ShardSync per source master, in parallel, each with its own writer to
 * the destination (its own watermark and back-pressure). Resumes from stored checkpoints, matching
 * them to the masters by replication id so a failover that happened while stopped is followed too.
 */
export class SyncTask {
  private shards: Shard[] = [];
  /**
   * Resolves once every shard of this start has asked its source for data (PSYNC sent; the scan
   * reader: started), or once the task ended: the process's own bookkeeping waits for it (see
   * run-stored-task.ts), so it does not hold the main thread between the precheck and PSYNC.
   */
  readonly asked: Promise<void>;
  private markAsked: () => void = () => {};
  private readonly askedShards = new Set<string>();
  private reader: SourceReader | undefined;
  private writers: DestinationWriter[] = [];
  private controls: Array<Redis | Cluster> = [];
  private state: TaskState = "initializing";
  private error: string | undefined;
  private lastOps = { at: Date.now(), commands: 0, rate: 0 };
  private stopping = false;
  /** set by abort(): writers were closed at once, the errors that follow are expected */
  private aborted = false;
  /** every node of the source cluster seen so far: where to ask for the slot map when some are gone */
  private knownSources: Array<{ host: string; port: number }> = [];
  readonly divergence: DivergenceLog;
  private readonly functions = new FunctionLibraries();
  private pubsub: PubsubForwarder | null = null;
  private readonly limiter: SpeedLimiter;
  private readonly filter: ReturnType<typeof keyFilterOf>;
  /** the shards' run() promises; a master that joins the source cluster adds one */
  private running: Promise<void>[] = [];
  /** keys moving between source masters while the cluster is resharded (cluster sources) */
  private readonly migrations = new MigrationLedger();

  constructor(
    private readonly cfg: SyncTaskConfig,
    private readonly store: SyncStore,
    /** called when a shard's full synchronization is over: the task's state may have changed */
    private readonly onChange?: () => void,
    /**
     * true when the task may ask its sources for data (the engine's precheck passed), false when it
     * must not start. What comes before it (topologies, command tables, writer connections) only
     * reads, so an engine start does it while its precheck runs: ~35 ms less between the start and
     * the first byte copied. Without a gate the task starts at once.
     */
    private readonly startGate?: Promise<boolean>,
  ) {
    this.asked = new Promise((resolve) => (this.markAsked = resolve));
    this.limiter = new SpeedLimiter(cfg.limits ?? {});
    // a bad pattern fails here, before anything is touched
    this.filter = keyFilterOf(cfg.keyFilter);
    this.divergence = new DivergenceLog(cfg.onDivergence ?? "pause", (r, decision) => {
      const text = describeRecord(r);
      if (store.divergence) store.divergence(r, decision);
      else store.log(decision === "continue" ? "warn" : "error", `${r.shard}: ${text}`);
      if (decision !== "continue") this.halt(decision, text);
    });
  }

  /** New speed limits while the task runs: in force at once (a waiting stage looks again), said in the events. */
  setLimits(limits: SpeedLimits): void {
    const before = describeLimits(this.limiter.limits);
    this.limiter.set(limits);
    const after = describeLimits(this.limiter.limits);
    if (after !== before) this.store.log("info", `speed limit changed to ${after} (was ${before})`);
  }

  snapshot(): SyncSnapshot {
    const shards = this.shards.map((s) => s.snapshot());
    const commands = shards.reduce((n, s) => n + s.commands, 0);
    const now = Date.now();
    if (now - this.lastOps.at >= 1000) {
      this.lastOps = { at: now, commands, rate: Math.round(((commands - this.lastOps.commands) * 1000) / (now - this.lastOps.at)) };
    }
    const done = shards.length > 0 && shards.every((s) => s.fullSync.done);
    if (this.state === "initializing" && done) this.state = "synchronizing";
    const latencies = shards.map((s) => s.latencyMs).filter((l): l is number => l !== null);
    const totals = shards.map((s) => s.fullSync.totalBytes);
    const throttledBy = this.limiter.throttledBy(now);
    return {
      state: this.state,
      fullSync: {
        keys: shards.reduce((n, s) => n + s.fullSync.keys, 0),
        bytes: shards.reduce((n, s) => n + s.fullSync.bytes, 0),
        totalBytes: totals.every((t) => t !== null) && totals.length ? totals.reduce((a, b) => a! + b!, 0) : null,
        done,
      },
      shards: shards.map((s) => ({ source: s.source, replid: s.replid, offset: s.offset, appliedOffset: s.appliedOffset, phase: s.phase, waiting: s.waiting })),
      latencyMs: latencies.length ? Math.max(...latencies) : null,
      opsPerSec: this.lastOps.rate,
      warnings: this.warnings(shards),
      divergence: this.divergence.summary(),
      ...(this.error ? { error: this.error } : {}),
      ...(this.pubsub ? { pubsub: this.pubsub.status() } : {}),
      ...(this.reader ? { sourceReader: this.reader } : {}),
      limits: this.limiter.limits,
      ...(throttledBy ? { throttled: `throttled by limit: ${throttledBy}` } : {}),
      ...(this.filter ? { keyFilter: this.filter.describe() } : {}),
    };
  }

  private warnings(shards: ShardStatus[]): string[] {
    const out = new Set<string>();
    for (const s of shards) if (s.waiting) out.add(`${s.source}: ${s.waiting}`);
    for (const w of this.writers) {
      const f = w.fault;
      if (f) out.add(`the destination refuses writes since ${new Date(f.since).toISOString()} (${f.reason}); retrying`);
    }
    const pubsub = this.pubsub?.status();
    if (pubsub?.problem) out.add(pubsub.problem);
    for (const line of insecureTlsNotes(this.cfg)) out.add(line);
    if (this.reader === "scan") out.add(SCAN_LABEL);
    return [...out];
  }

  /** Runs until stop() (resolves) or a fatal error (state failed, rejects). */
  async run(): Promise<void> {
    try {
      mkdirSync(this.cfg.spoolDir, { recursive: true });
      for (const line of insecureTlsNotes(this.cfg)) this.store.log("warn", line);
      const crc = crcBackend();
      if (crc.whyNotNative) this.store.log("warn", `full syncs checksum the RDB with the slower ${crc.backend === "wasm" ? "WebAssembly" : "JavaScript"} CRC-64: ${crc.whyNotNative}`);
      if (this.filter) this.store.log("info", `key filter: ${this.filter.describe()} (the product's own keys are always synchronized)`);
      const limits = describeLimits(this.limiter.limits);
      if (limits !== "no limit") this.store.log("info", `speed limit: ${limits}`);
      const topology = await discoverTopology(this.cfg.source, { timeoutMs: 10_000 });
      this.remember(topology);
      const mapping = await dbMapping(this.cfg, topology);
      const taskWide = this.cfg.taskWide ?? true;
      // a cluster's PUBLISH reaches no replication stream: forwarded from now on, published on the
      // destination once the task may write (the messages of the set-up wait)
      if (topology.mode === "cluster" && taskWide) this.startPubsub(true);
      const checkpoints = await this.store.loadCheckpoints();
      const all = topology.mode === "cluster" ? masters(topology) : topology.nodes;
      const sources = this.cfg.sources ? all.filter((n) => this.cfg.sources!({ host: n.host, port: n.port, slots: topology.mode === "cluster" ? n.slots : [] })) : all;
      if (sources.length === 0) throw new DtsError("SHARD_GONE", "no source master serves this shard's slots now; it is laid out again");
      // read-only and independent: asked at once, not one after the other (with the precheck running
      // beside them, each round trip waited its turn; these were the last ~40 ms before PSYNC)
      const reader = chooseSourceReader(this.cfg.sourceReader ?? "psync", this.cfg.source, sources, (level, m) => this.store.log(level, m));
      const replication = replicationIds(this.cfg.source, sources);
      // what it says is said once the PSYNC reader is chosen (the scan reader does not use its table)
      const learnedNotes: Array<["info" | "warn", string]> = [];
      const commandKeys = learnCommandKeys({ source: this.cfg.source, target: () => this.control(), cluster: this.cfg.target.mode === "cluster" || this.filter !== null, log: (level, m) => learnedNotes.push([level, m]) });
      this.reader = await reader.catch((err) => {
        // the others' answers are not needed then: not left unhandled
        replication.catch(() => {});
        commandKeys.catch(() => {});
        throw err;
      });
      if (this.reader === "scan") {
        // a source that refuses replication may refuse what they ask too; the scan reader needs neither
        replication.catch(() => {});
        commandKeys.catch(() => {});
        if (!(await this.opened())) return;
        this.pubsub?.release();
        // no replication stream carries a standalone source's PUBLISH either: forwarded as a cluster's
        if (topology.mode !== "cluster") this.startPubsub(false);
        this.markAsked();
        await this.runScan(sources, mapping, checkpoints);
        return;
      }
      const ids = await replication.catch((err) => {
        commandKeys.catch(() => {});
        throw err;
      });
      const learned = await commandKeys;
      for (const [level, m] of learnedNotes) this.store.log(level, m);
      const unmatched = [...checkpoints];
      const shardIds: Array<{ shard: string; host: string; port: number }> = [];
      const base: ShardBase = { cluster: topology.mode === "cluster", mapping, learned };
      for (const [i, node] of sources.entries()) {
        const cp = takeCheckpoint(unmatched, formatAddress(node), ids[i]);
        const shard = await this.addShard(base, node, cp, false);
        shardIds.push({ shard: shard.id, host: node.host, port: node.port });
      }
      // the libraries the destination holds already (read once the writers know it is a Redis): the
      // same one from each source master is then loaded once
      this.functions.ownedBySources = this.cfg.conflict === "intercept";
      await readLibraries(this.functions, this.control(), this.cfg.source, shardIds).catch((err) =>
        this.store.log("warn", `the Functions libraries could not be read (${describeError(err)}); FUNCTION commands are applied as they come`),
      );
      if (!(await this.opened())) return;
      this.pubsub?.release();
      const libraryCheck = setInterval(() => taskWide && this.checkLibraries(), 2000);
      this.store.log("info", `synchronizing ${sources.length} source ${sources.length === 1 ? "node" : "masters"} to ${formatAddress(this.cfg.target)} (${this.cfg.target.mode})`);
      // a stop (or abort) that came while the shards were being set up reaches them all
      if (this.stopping) for (const s of this.shards) s.stop();
      // resharding is followed where one process runs every master of the task (not on workers, where
      // each shard is a task of its own and the shard layout follows the slots)
      const watch = topology.mode === "cluster" && !this.cfg.sources ? this.watchTopology(base, unmatched) : null;
      for (const s of this.shards) this.running.push(s.run().catch((err) => this.fail(err)));
      try {
        // a shard adopted meanwhile (a master that joined the source cluster) is waited for too
        for (let n = 0; n !== this.running.length; ) {
          n = this.running.length;
          await Promise.all(this.running);
        }
      } finally {
        clearInterval(libraryCheck);
        if (watch) clearInterval(watch);
      }
      if (this.state !== "failed") this.state = this.divergence.halted ? "paused" : "finished";
    } catch (err) {
      // a set-up that failed while the precheck still ran: the precheck says why, if it fails too
      if (!this.startGate || (await this.startGate)) this.fail(err);
    } finally {
      this.markAsked();
      await this.closeAll();
    }
    if (this.state === "failed") throw new DtsError("INTERNAL", this.error ?? "the task failed");
  }

  /**
   * The scan reader (scan-shard.ts), one per source master. It has no offset to resume from: a
   * checkpoint row only says a copy began, so a restart copies again over its own keys ("ignore").
   */
  private async runScan(sources: Topology["nodes"], mapping: DbMapping, checkpoints: ShardCheckpoint[]): Promise<void> {
    for (const node of sources) {
      const address = formatAddress(node);
      const startedBefore = checkpoints.some((c) => c.sourceNode === address);
      const handlers: WriterHandlers = { onEvent: (e) => this.store.log(e.kind === "reconnected" ? "info" : "warn", e.message) };
      const writer = await openWriter(this.cfg.target, { clientName: `redis-dts-${this.cfg.taskId}`, ...handlers });
      this.writers.push(writer);
      this.shards.push(
        new ScanShard({
          taskId: this.cfg.taskId,
          source: { host: node.host, port: node.port, username: this.cfg.source.username, password: this.cfg.source.password, tls: this.cfg.source.tls },
          writer,
          initialSync: this.cfg.initialSync,
          load: { mapping, conflict: startedBefore ? "ignore" : this.cfg.conflict, ...(this.filter ? { keyIncluded: (k: Buffer) => this.filter!.keyIncluded(k) } : {}) },
          limiter: this.limiter,
          divergence: this.divergence,
          log: (level, m) => this.store.log(level, m),
          fullSyncDone: () => this.onChange?.(),
        }),
      );
      if (!startedBefore) await this.store.saveCheckpoint({ sourceNode: address, replid: SCAN_REPLID, offset: 0, db: 0, phase: "full" });
    }
    this.store.log("info", `synchronizing ${sources.length} source ${sources.length === 1 ? "node" : "masters"} to ${formatAddress(this.cfg.target)} (${this.cfg.target.mode}) with the scan reader: ${SCAN_LABEL}`);
    await Promise.all(this.shards.map((s) => s.run().catch((err) => this.fail(err))));
    if (this.state !== "failed") this.state = this.divergence.halted ? "paused" : "finished";
    if (this.state !== "failed" && !this.divergence.halted) this.store.log("info", "the scan reader copies keys, not a replication log: run a Data Verification before switching to the destination");
  }

  stop(): void {
    this.stopping = true;
    for (const s of this.shards) s.stop();
  }

  /** One ShardSync per source master: those found at the start, and masters that join the cluster later. */
  private async addShard(base: ShardBase, node: TopologyNode, cp: ShardCheckpoint | null, joinedLate: boolean): Promise<{ id: string; sync: ShardSync }> {
    const { mapping, learned, cluster } = base;
    const handlers: WriterHandlers = {
      onEvent: (e) => this.store.log(e.kind === "reconnected" ? "info" : "warn", e.message),
      onCommandError: (f) => this.store.log("warn", `destination refused a command on ${f.node}: ${f.error.message}`),
      // Commands that are not replay-safe and whose reply was lost with the connection: sending them
      // again may apply them twice, dropping them may lose them. We resend and say so, naming keys,
      // so a verification can confirm them.
      onUncertain: (cmds) => {
        const keys = cmds.slice(0, 5).map((c) => `${c.argv[0]} ${c.argv[1] ?? ""}`).join(", ");
        this.store.log("warn", `${cmds.length} command(s) had an unknown outcome after a lost destination connection and were sent again (${keys}); run a data verification to confirm`);
        return "resend";
      },
      onOrderHazard: (h) => this.store.log("warn", `${h.node} accepted ${h.argv[0]} ${h.argv[1] ?? ""} before an earlier refused write to the same slot was retried; run a data verification to confirm`),
    };
    const writer = await openWriter(this.cfg.target, { clientName: `redis-dts-${this.cfg.taskId}`, ...handlers });
    this.writers.push(writer);
    // the shard's libraries are tracked under the same name its checkpoint is saved under
    const shardId = cp?.sourceNode ?? formatAddress(node);
    const libs = this.functions.forShard(shardId);
    const destDbs = [...new Set(mapping.selected.map((d) => mapping.map(d)!))];
    const sync = new ShardSync({
      taskId: this.cfg.taskId,
      source: { host: node.host, port: node.port, username: this.cfg.source.username, password: this.cfg.source.password, tls: this.cfg.source.tls },
      slots: cluster ? node.slots : [],
      writer,
      control: () => this.control(),
      plan: { cluster: this.cfg.target.mode === "cluster", mapDb: mapping.map, merged: mapping.merged, ignoreFlush: Boolean(this.cfg.ignoreFlush), sourceSlots: cluster ? node.slots : null, learned, filter: this.filter },
      checkpoint: cp,
      initialSync: joinedLate ? "full_and_incremental" : this.cfg.initialSync,
      load: { mapping, conflict: this.cfg.conflict, ...(this.filter ? { keyIncluded: (k: Buffer) => this.filter!.keyIncluded(k) } : {}) },
      limiter: this.limiter,
      reopenWriter: async (old) => {
        old.destroy();
        if (this.aborted) throw new DtsError("CANCELLED", "the task stopped writing (abort)");
        const w = await openWriter(this.cfg.target, { clientName: `redis-dts-${this.cfg.taskId}`, ...handlers });
        this.writers = this.writers.map((x) => (x === old ? w : x));
        return w;
      },
      destDbs,
      divergence: this.divergence,
      functions: libs,
      spoolDir: this.cfg.spoolDir,
      heartbeatDb: mapping.selected[0] ?? 0,
      log: (level, m) => this.store.log(level, m),
      writerHandlers: handlers,
      fullSyncDone: () => this.onChange?.(),
      asked: () => {
        this.askedShards.add(shardId);
        if (this.askedShards.size >= this.shards.length) this.markAsked();
      },
      saveCheckpoint: (c) => this.store.saveCheckpoint(c),
      saveHorizon: this.store.saveHorizon ? (n, h) => this.store.saveHorizon!(n, h) : undefined,
      rediscover: cluster ? (slot) => this.rediscover(slot) : undefined,
      // a late master's keys are the other masters' keys: nothing of the destination is cleared for it
      clearShard: this.cfg.conflict === "intercept" && !joinedLate ? (slots) => clearShard(this.control(), destDbs, slots, { taskId: this.cfg.taskId }) : undefined,
      migrations: cluster ? this.migrations : null,
      joinedLate,
    });
    this.shards.push(sync);
    return { id: shardId, sync };
  }

  /**
   * Resharding of a cluster source (source-topology-watch.ts): slot moves reach the shards, a master
   * that joins gets a shard (resumed from a checkpoint of an earlier run when one matches its history).
   */
  private watchTopology(base: ShardBase, unmatched: ShardCheckpoint[]): NodeJS.Timeout {
    const watch = new SourceTopologyWatch({
      discover: () => this.currentTopology(),
      // the PSYNC shards (the scan reader does not follow resharding: see README)
      shards: () => this.shards.filter((x): x is ShardSync => x instanceof ShardSync),
      auth: this.cfg.source,
      log: (level, m) => this.store.log(level, m),
      adopt: async (node) => {
        if (this.stopping) return;
        const [ids] = await replicationIds(this.cfg.source, [node]);
        const cp = takeCheckpoint(unmatched, formatAddress(node), ids);
        const { sync } = await this.addShard(base, node, cp, cp === null);
        if (this.stopping) return;
        this.running.push(sync.run().catch((err) => this.fail(err)));
      },
    });
    return setInterval(() => void watch.check(), TOPOLOGY_CHECK_MS);
  }

  /** The source cluster as the first node that answers describes it (null: none answers now). */
  private async currentTopology(): Promise<Topology | null> {
    for (const seed of [...this.shards.flatMap((s) => (s instanceof ShardSync ? [parseAddress(s.address)] : [])), ...this.knownSources]) {
      try {
        const t = await discoverTopology({ ...this.cfg.source, host: seed.host, port: seed.port }, { timeoutMs: 3000 });
        this.remember(t);
        return t;
      } catch {
        // the next one
      }
    }
    return null;
  }

  /**
   * Stops writing now: the writers and control connections are closed at once (what the destination
   * had not acknowledged is dropped and sent again by whoever resumes from the checkpoint). For a
   * worker that may no longer hold its shard: after this, nothing more of this task reaches the
   * destination from this process.
   */
  abort(reason: string): void {
    if (this.aborted) return;
    this.aborted = true;
    this.stopping = true;
    this.store.log("warn", reason);
    for (const w of this.writers) w.destroy();
    for (const c of this.controls) c.disconnect();
    for (const s of this.shards) s.stop();
  }

  /** Each shard's own status (per-shard figures a worker reports: commands, full sync, latency). */
  shardStatuses(): ShardStatus[] {
    return this.shards.map((s) => s.snapshot());
  }

  /**
   * Source masters that hold different code for one library: followed (last load wins) while their
   * streams catch up, a divergence once every stream is caught up and they still disagree.
   */
  private checkLibraries(): void {
    const shards = this.shards.map((s) => s.snapshot());
    const caughtUp = shards.length > 0 && shards.every((s) => s.phase === "incremental" && s.offset !== null && s.appliedOffset !== null && s.offset - s.appliedOffset <= 4096);
    if (!caughtUp) return;
    for (const d of this.functions.settledDisagreements()) {
      this.divergence.record({
        kind: "inexact",
        shard: d.holders.join(", "),
        db: null,
        command: "FUNCTION",
        keys: [],
        reason: `the source masters hold different code for the Functions library ${d.name}; the destination holds the one loaded last`,
        phase: "incremental",
        at: Date.now(),
      });
    }
  }

  /** The divergence policy stopped a shard: the whole task pauses (or fails) with the reason. */
  private halt(decision: "pause" | "fail", reason: string): void {
    if (this.stopping) return;
    if (decision === "fail") {
      this.fail(new DtsError("DIVERGENCE", `stopped by the task's policy for refused or inexact writes: ${reason}`));
      return;
    }
    this.store.log("error", `task paused by its divergence policy: ${reason}. Fix the cause and resume (the task continues from this command), or choose "skip and record"`);
    // the other shards stop after this tick: the halting shard stops on its own at the command
    setImmediate(() => this.stop());
  }

  /** Waits for the start gate (it only resolves): false when the task must not start, or was stopped meanwhile. */
  private async opened(): Promise<boolean> {
    const open = this.startGate ? await this.startGate : true;
    return open && !this.stopping;
  }

  private fail(err: unknown): void {
    if (this.aborted) return;
    if (this.stopping && !(err instanceof DtsError)) return;
    this.state = "failed";
    this.error = describeError(err);
    this.store.log("error", this.error);
    this.stop();
  }

  private control(): Redis | Cluster {
    if (this.controls[0]) return this.controls[0];
    const { host, port, username, password, tls } = this.cfg.target;
    const c =
      this.cfg.target.mode === "cluster"
        ? new Cluster([{ host, port }], { redisOptions: ioredisOptions({ host, port, username, password, tls }) })
        : new Redis(ioredisOptions({ host, port, username, password, tls }));
    c.on("error", () => {});
    this.controls.push(c);
    return c;
  }

  /**
   * The master that serves `slot` now. The address the task was given may be the node that died, so
   * every node seen so far is asked in turn (replicas included: one of them is the new master).
   */
  private async rediscover(slot: number): Promise<{ host: string; port: number } | null> {
    let lastError: unknown = null;
    for (const seed of [this.cfg.source, ...this.knownSources]) {
      let t: Topology;
      try {
        t = await discoverTopology({ ...this.cfg.source, host: seed.host, port: seed.port }, { timeoutMs: 3000 });
      } catch (err) {
        lastError = err;
        continue;
      }
      this.remember(t);
      const owner = masters(t).find((m) => !m.failed && m.slots.some(([a, b]) => slot >= a && slot <= b));
      return owner ? { host: owner.host, port: owner.port } : null;
    }
    throw lastError ?? new DtsError("CONNECT_FAILED", "no node of the source cluster answers");
  }

  private remember(t: Topology): void {
    for (const n of t.nodes) {
      if (!this.knownSources.some((k) => k.host === n.host && k.port === n.port)) this.knownSources.push({ host: n.host, port: n.port });
    }
  }

  /** A cluster's PUBLISH is not in the replication stream: forwarded by subscribing (pubsub-forwarder.ts). */
  private startPubsub(held: boolean): void {
    const target = this.cfg.target;
    this.pubsub = new PubsubForwarder({
      held,
      source: this.cfg.source,
      sourceNodes: () => this.knownSources,
      target,
      targetNodes: target.mode === "cluster" ? async () => masters(await discoverTopology(target, { timeoutMs: 3000 })) : undefined,
      log: (level, m) => this.store.log(level, m),
    });
    this.pubsub.start();
  }

  private async closeAll(): Promise<void> {
    await this.pubsub?.stop();
    // Stopping is bounded: a destination that is down (or stalled) never answers what is in flight.
    // What it has not acknowledged stays after the checkpoint each shard saved, and is sent again on
    // resume.
    let unanswered = false;
    await Promise.all(
      this.writers.map((w) =>
        withinMs(w.close(), CLOSE_WRITERS_MS).catch(() => {
          unanswered = true;
          w.destroy();
        }),
      ),
    );
    if (unanswered && this.stopping) this.store.log("warn", `stopped without the destination's answer to every write sent (${formatAddress(this.cfg.target)} unreachable or stalled): the checkpoints stay at the last acknowledged writes, and a resume sends the rest again`);
    for (const c of this.controls) c.disconnect();
  }
}

const CLOSE_WRITERS_MS = 3000;
/** how often a cluster source's slot map is read (resharding, masters added) */
const TOPOLOGY_CHECK_MS = 1000;

/** What every shard of a task is built from. */
interface ShardBase {
  cluster: boolean;
  mapping: DbMapping;
  learned: Awaited<ReturnType<typeof learnCommandKeys>>;
}

function parseAddress(a: string): { host: string; port: number } {
  const i = a.lastIndexOf(":");
  return { host: a.slice(0, i), port: Number(a.slice(i + 1)) };
}

function withinMs<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new DtsError("TIMEOUT", `no answer within ${ms} ms`)), ms)));
  return Promise.race([p, bound]).finally(() => clearTimeout(timer));
}

/** What the destination and each source master hold (function-libraries.ts), read at the task's start. */
async function readLibraries(libs: FunctionLibraries, control: Redis | Cluster, auth: Endpoint, shards: Array<{ shard: string; host: string; port: number }>): Promise<void> {
  const clients = shards.map((s) => {
    const c = new Redis(ioredisOptions({ ...auth, host: s.host, port: s.port }, { lazyConnect: true, maxRetriesPerRequest: 1 }));
    c.on("error", () => {});
    return { shard: s.shard, node: c };
  });
  try {
    await libs.read(control, clients);
  } finally {
    for (const c of clients) c.node.disconnect();
  }
}

/** Replication ids (current and previous) of each source master: a checkpoint follows its history. */
async function replicationIds(auth: Endpoint, nodes: Topology["nodes"]): Promise<Array<string[]>> {
  // a master that cannot be asked is matched to a checkpoint by its address
  return Promise.all(nodes.map((n) => readReplicationHistory({ ...auth, host: n.host, port: n.port }).then(historyIds, () => [])));
}

/**
 * The checkpoint of the shard a master serves now: one whose replication id is in the master's history
 * (the newest offset wins, so a stale row can never replay applied commands), else by address.
 */
function takeCheckpoint(list: ShardCheckpoint[], address: string, replids: string[]): ShardCheckpoint | null {
  let i = -1;
  for (let j = 0; j < list.length; j++) {
    if (replids.includes(list[j].replid) && (i === -1 || list[j].offset > list[i].offset)) i = j;
  }
  if (i === -1) i = list.findIndex((c) => c.sourceNode === address);
  return i === -1 ? null : list.splice(i, 1)[0];
}

/** TLS without certificate verification is said on the status page and in the events, every run. */
function insecureTlsNotes(cfg: { source: Endpoint; target: Endpoint }): string[] {
  const out: string[] = [];
  if (cfg.source.tls?.insecure) out.push("TLS toward the source does not verify the server certificate (--source-tls-insecure)");
  if (cfg.target.tls?.insecure) out.push("TLS toward the destination does not verify the server certificate (--target-tls-insecure)");
  return out;
}
