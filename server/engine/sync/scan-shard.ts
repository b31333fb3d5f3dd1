import { Redis } from "ioredis";
import { DtsError, describeError } from "../../errors";
import { formatAddress } from "../endpoint";
import { ioredisOptions } from "../ioredis-options";
import { KeyReader, readError, type ReadKey } from "../source/scan/key-reader";
import { KeyspaceWatch } from "../source/scan/keyspace-watch";
import { FunctionFollower } from "./scan-functions";
import { WRITE_REPLAY_SAFE } from "../writer/types";
import { rdbLoad } from "./rdb-load";
import type { RdbLoad, ShardStatus, ShardSyncOptions } from "./shard-types";

export type ScanShardOptions = Pick<ShardSyncOptions, "taskId" | "source" | "writer" | "initialSync" | "load" | "divergence" | "log" | "fullSyncDone" | "limiter">;

/** keys per SCAN step and per DUMP+PTTL pipeline: one round trip each, at most this many values in flight */
const BATCH = 512;
/** a stop waits this long at most for the keys still marked changed (the final catch-up pass) */
const CATCH_UP_MS = 15_000;
const FATAL = new Set(["AUTH_FAILED", "CONFLICT", "DIVERGENCE", "INVALID_CONFIG", "NOT_REDIS", "RDB_UNSUPPORTED"]);

/**
 * One source master → the destination for a source that refuses SYNC/PSYNC: the copy by SCAN +
 * DUMP + PTTL, written by the RDB loader (a DUMP payload is a RESTORE payload), then every key the
 * keyspace notifications name read again (DUMP + PTTL, or DEL when it is gone). The subscription is
 * made before the scan, so a key written during the copy is read again after it.
 *
 * Best effort, and said so: notifications are not a log. A FLUSHALL/FLUSHDB sends none, a
 * subscription that drops loses some (the keys are then all read again; deletions of that moment are
 * found by Data Verification only), and there is no offset: a restart copies everything again.
 */
export class ScanShard {
  private readonly status: ShardStatus;
  private readonly node: { host: string; port: number };
  private watch: KeyspaceWatch | null = null;
  private client: Redis | null = null;
  private stopping = false;
  private stoppedAt = 0;
  private rescan: string | null = null;
  private haltedBy: "pause" | "fail" | null = null;
  private header = -1;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private expire: (err: DtsError) => void = () => {};
  private readonly deadline = new Promise<never>((_, reject) => (this.expire = reject));
  private signalStop: () => void = () => {};
  private readonly stopSignal = new Promise<void>((resolve) => (this.signalStop = resolve));
  /** the last FUNCTION DUMP payload restored on the destination, and when libraries were last compared */
  private functions: FunctionFollower;

  constructor(private readonly o: ScanShardOptions) {
    this.node = { host: o.source.host, port: o.source.port };
    this.deadline.catch(() => {});
    this.functions = new FunctionFollower(o.writer);
    this.status = {
      source: formatAddress(this.node),
      phase: "connecting",
      replid: null,
      offset: 0,
      appliedOffset: 0,
      fullSync: { keys: 0, bytes: 0, totalBytes: null, done: false },
      latencyMs: null,
      commands: 0,
      waiting: null,
    };
  }

  get halted(): boolean {
    return this.haltedBy !== null;
  }

  snapshot(): ShardStatus {
    const w = this.watch;
    if (w) {
      this.status.offset = w.notified;
      this.status.latencyMs = this.status.phase === "incremental" ? (w.oldestAt ? Date.now() - w.oldestAt : 0) : null;
    }
    return { ...this.status, fullSync: { ...this.status.fullSync } };
  }

  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.stoppedAt = Date.now();
    this.watch?.wake();
    this.signalStop();
    // a source or destination that no longer answers cannot hold the stop: the catch-up is bounded
    this.deadlineTimer = setTimeout(() => this.expire(new DtsError("TIMEOUT", `no end of the final catch-up pass within ${CATCH_UP_MS / 1000} s`)), CATCH_UP_MS);
    this.deadlineTimer.unref();
  }

  /** `p`, or the stop's deadline passing first (then a TIMEOUT error) */
  private bounded<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.deadline]);
  }

  /** Runs until stop() (after the final catch-up pass) or a fatal error (thrown). */
  async run(): Promise<void> {
    const src = this.o.source;
    this.watch = new KeyspaceWatch(
      src,
      (why) => {
        this.rescan = why;
        this.watch?.wake();
      },
      (level, m) => this.o.log(level, m),
    );
    try {
      // notifications first: what changes while the scan runs is read again after it
      await this.watch.start();
      let copied = this.o.initialSync === "incremental_only";
      if (copied) {
        // "incremental data only": no copy, the changes from the subscription on
        this.status.fullSync.done = true;
        this.o.fullSyncDone?.();
      }
      for (let attempt = 0; ; attempt++) {
        try {
          this.client ??= this.connect();
          const reader = new KeyReader(this.client);
          await this.bounded(this.functions.follow(this.client));
          if (!copied) {
            // a copy started over writes over its own earlier keys
            if (!(await this.copyAll(reader, attempt === 0 ? this.o.load.conflict : "ignore"))) break;
            copied = true;
            this.status.fullSync.done = true;
            this.o.fullSyncDone?.();
          }
          await this.follow(reader);
          break;
        } catch (err) {
          const e = err instanceof DtsError ? err : readError(err);
          if (FATAL.has(e.code)) throw e;
          if (this.haltedBy || this.stopping) {
            this.o.log("warn", `${this.status.source}: stopped without the final catch-up pass (${e.message}): run a data verification`);
            break;
          }
          const delay = Math.min(500 * 2 ** Math.min(attempt, 5), 15_000);
          this.status.phase = "retrying";
          this.status.waiting = `reading the source failed: ${e.message}`;
          this.o.log("warn", `${this.status.source}: reading the source failed (${e.message}); ${copied ? "reading every key again" : "copying again"} in ${delay} ms`);
          this.client?.disconnect();
          this.client = null;
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([new Promise((r) => (timer = setTimeout(r, delay))), this.stopSignal]);
          clearTimeout(timer);
          if (this.stopping) break;
          if (copied) this.rescan = "reading the source failed";
        }
      }
    } catch (err) {
      this.status.phase = "failed";
      throw err;
    } finally {
      clearTimeout(this.deadlineTimer);
      this.client?.disconnect();
      await this.watch.close();
      if (this.status.phase !== "failed") this.status.phase = "stopped";
    }
  }

  private connect(): Redis {
    const c = new Redis(ioredisOptions(this.o.source, { maxRetriesPerRequest: 2, retryStrategy: (n) => (n > 5 ? null : 200 * n) }));
    c.on("error", () => {});
    return c;
  }

  /** Every key of every synchronized database, SCAN step by SCAN step, through one loader; false when stopped before the end. */
  private async copyAll(reader: KeyReader, conflict: "intercept" | "ignore"): Promise<boolean> {
    this.status.phase = "full";
    this.status.waiting = null;
    // a copy again after lost notifications does not undo "done": the task stays synchronizing
    if (!this.status.fullSync.done) this.status.fullSync = { keys: 0, bytes: 0, totalBytes: null, done: false };
    this.o.log("info", `${this.status.source}: copying every key by SCAN + DUMP (the scan reader: best effort, verify before switching)`);
    const load = this.newLoad(conflict, "full");
    // SCAN may name a key twice while a table is resized: in "intercept" mode a second RESTORE of it
    // would look like a conflicting key, so those names are remembered for the copy
    const seen = conflict === "intercept" ? new Set<string>() : null;
    for (const db of this.o.load.mapping.selected) {
      let cursor = "0";
      do {
        if (this.stopping || this.haltedBy) return false;
        const step = await this.bounded(reader.scan(db, cursor, BATCH));
        cursor = step.cursor;
        let keys = step.keys;
        if (seen) {
          keys = keys.filter((k) => {
            const name = `${db}:${k.toString("latin1")}`;
            return !seen.has(name) && Boolean(seen.add(name));
          });
        }
        for (const r of await this.bounded(reader.read(db, keys))) await this.push(load, r, false);
        this.status.fullSync.keys = load.keys;
      } while (cursor !== "0");
    }
    await this.bounded(load.finish());
    await this.bounded(this.o.writer.drained());
    this.status.fullSync.keys = load.keys;
    this.o.log("info", `${this.status.source}: copy done: ${load.keys} keys, ${this.status.fullSync.bytes} bytes${load.skippedExpired ? `, ${load.skippedExpired} expired keys skipped` : ""}; following the keyspace notifications`);
    return true;
  }

  /** Reads again every key the notifications name, until stopped; then a last pass over what is left. */
  private async follow(reader: KeyReader): Promise<void> {
    this.status.phase = "incremental";
    this.status.waiting = null;
    let load = this.newLoad("ignore", "incremental");
    const watch = this.watch!;
    for (;;) {
      if (this.haltedBy) return;
      if (this.rescan) {
        const why = this.rescan;
        this.rescan = null;
        this.o.log("warn", `${this.status.source}: ${why}: keyspace notifications may have been lost; every key is copied again (a key deleted meanwhile stays on the destination until Data Verification finds it)`);
        if (!(await this.copyAll(reader, "ignore"))) return;
        this.status.phase = "incremental";
        // the copy's loader took the writer's error handlers: a new one for the changes
        load = this.newLoad("ignore", "incremental");
        continue;
      }
      if (this.functions.due() || this.stopping) await this.bounded(this.functions.follow(this.client!));
      if (this.stopping) {
        // the final catch-up: every notification sent before the stop has arrived once the
        // subscription answers a PING, then what is marked is read; bounded in time
        if (!this.stoppedAt || Date.now() - this.stoppedAt > CATCH_UP_MS) break;
        await this.bounded(watch.barrier());
        if (watch.pending === 0) break;
      }
      const notified = watch.notified;
      const batch = watch.take(BATCH);
      if (!batch) {
        this.status.appliedOffset = notified;
        await watch.changed(1000);
        continue;
      }
      const left = watch.pending;
      for (const r of await this.bounded(reader.read(batch.db, batch.keys))) await this.push(load, r, true);
      await this.bounded(load.ready());
      await this.bounded(this.o.writer.drained());
      this.status.commands += batch.keys.length;
      this.status.appliedOffset = Math.max(this.status.appliedOffset ?? 0, notified - left);
    }
    await this.bounded(load.finish());
  }

  private newLoad(conflict: "intercept" | "ignore", phase: "full" | "incremental"): RdbLoad {
    this.header = -1;
    const load = rdbLoad({
      writer: this.o.writer,
      mapping: this.o.load.mapping,
      conflict,
      taskId: this.o.taskId,
      // the task's key filter and speed limit, as for a replication stream (the copy by keys/s and MB/s,
      // the keys read again after a change by commands/s)
      keyIncluded: this.o.load.keyIncluded,
      throttle: phase === "full" ? this.o.limiter?.fullSync : this.o.limiter?.incremental,
      log: (level, m) => this.o.log(level, m),
      onIssue: (i) => {
        if (i.kind === "conflict") return;
        this.diverged({ kind: i.kind === "inexact" ? "inexact" : "refused", db: i.db ?? null, command: i.command ?? "RESTORE", keys: i.key ? [i.key] : [], reason: i.message }, phase);
      },
    });
    return load;
  }

  /** One key read back: its value through the loader, or (following changes) a DEL when it is gone. */
  private async push(load: RdbLoad, r: ReadKey, following: boolean): Promise<void> {
    if (!r.entry) {
      if (this.o.load.keyIncluded && !this.o.load.keyIncluded(r.key)) return;
      const dest = this.o.load.mapping.map(r.db);
      if (following && dest !== undefined && !this.o.writer.write(dest, ["DEL", r.key], r.key, 0, WRITE_REPLAY_SAFE)) await this.bounded(this.o.writer.ready());
      return;
    }
    const e = r.entry;
    if (e.rdbVersion !== this.header) {
      // the payload's version tells the loader which encodings it carries (Valkey 9+ numbers from 80)
      this.header = e.rdbVersion;
      load.event({ kind: "header", version: e.rdbVersion, magic: e.rdbVersion >= 80 ? "VALKEY" : "REDIS" });
    }
    this.status.fullSync.bytes += following ? 0 : e.raw.length;
    if (!load.event({ kind: "key", ...e })) await this.bounded(load.ready());
  }

  private diverged(r: { kind: "refused" | "inexact"; db: number | null; command: string; keys: Buffer[]; reason: string }, phase: "full" | "incremental"): void {
    const decision = this.o.divergence.record({ ...r, shard: this.status.source, at: Date.now(), phase });
    if (decision === "continue") return;
    this.haltedBy = decision;
    this.status.waiting = `stopped by the divergence policy (${decision})`;
    this.stop();
  }
}
