import { DtsError } from "../../errors";
import type { RdbEvent, RdbKeyEntry, RdbKeyEvent } from "../rdb/types";
import type { Arg } from "../resp/encoder";
import { describeCommand } from "../writer/parse-command";
import { WRITE_NOT_SET, WRITE_REPLAY_SAFE, WRITE_UNCERTAIN, type CommandFailure, type DestinationWriter, type UncertainCommand, type UncertainDecision } from "../writer/types";
import { capabilitiesOf, restorable, type DestinationCapabilities } from "./rdb-compat";
import { StringBatch, type KeyBatches } from "./string-batch";
import { SlotStringBatches } from "./slot-string-batches";
import { RestoreCommand } from "./restore-command";
import { isOwnKey, loadTmpKey } from "../own-keys";
import { RENAME_IF_ABSENT } from "./tmp-key";
import { typedCommands } from "./typed-commands";
import type { LoadIssue, LoadStats, LoaderOptions } from "./types";

const B = (s: string) => Buffer.from(s);
/** typed commands whose repetition leaves the same state */
const IDEMPOTENT = new Set(["SET", "SETRANGE", "SADD", "ZADD", "HSET", "HMSET", "DEL", "PEXPIREAT", "HPEXPIREAT", "XSETID", "XCLAIM"]);

interface TypedKey {
  entry: RdbKeyEntry;
  db: number;
  /** first sent as RESTORE, which the destination refused to decode */
  fromRestore?: boolean;
}

/** recent RESTOREs kept so one the destination cannot decode can be rebuilt with typed commands */
const RECENT = 32768;
const RECENT_MASK = RECENT - 1;
const BAD_PAYLOAD = /Bad data format|payload version or checksum/i;
/** zipmap and ziplists: converted (and validated) by newer servers, which may refuse odd ones */
const LEGACY_ENCODINGS = new Set([9, 10, 12, 13]);

/** A typed key being written; its commands are produced as the writer has room. */
interface TypedRun {
  commands: Generator<Arg[]>;
  db: number;
  tag: number;
  issues: string[];
  entry: RdbKeyEntry;
}

/**
 * Writes RDB key entries to a destination. Fast path: RESTORE with a payload made from the value's
 * serialized bytes (one copy + CRC64), when the destination reads that encoding and the value is not
 * huge; otherwise typed commands in bounded batches. `push` returns false when the producer must
 * pause; `ready()` resolves when it may go on. Every key's commands carry one tag (increasing), so
 * the writer's watermark says which keys are acknowledged.
 */
export class RdbLoader {
  readonly stats: LoadStats = { keys: 0, ownKeys: 0, written: 0, restored: 0, typed: 0, skippedExpired: 0, skippedDb: 0, skippedFilter: 0, conflicts: 0, failed: 0, modules: {}, modulesRefused: {}, functions: 0, bytes: 0, issues: [] };
  readonly caps: DestinationCapabilities;
  private readonly dbs: Set<number> | null;
  private readonly dbMap: Map<number, number>;
  private readonly typedAbove: number;
  private readonly ignore: boolean;
  private readonly clock: () => number;
  private now = 0;
  private tag = 0;
  private sourceMagic: "REDIS" | "VALKEY" = "REDIS";
  private payloadVersion: number;
  private running: TypedRun | null = null;
  /** typed keys not yet acknowledged: rebuilt from scratch if one of their commands is lost */
  private readonly typedInFlight = new Map<number, TypedKey>();
  private readonly redo: TypedKey[] = [];
  private readonly failedTyped = new Set<number>();
  /** tags of rebuilt keys: BUSYKEY there is our own first copy */
  private readonly rebuilt = new Set<number>();
  private readonly recent: (RdbKeyEntry | undefined)[] = new Array(RECENT).fill(undefined);
  private readonly recentTags = new Float64Array(RECENT);
  private readonly recentDbs = new Int32Array(RECENT);
  private readonly restoreCmd = new RestoreCommand();
  /** plain strings many at a time: see string-batch.ts (standalone) and slot-string-batches.ts (cluster) */
  private readonly strings: KeyBatches | null;
  private readonly hints: boolean;
  /** own keys sent: not in `written`, which counts data */
  private ownSent = 0;
  /** module values sent and not yet known to be acknowledged: their type, for a refusal */
  private readonly moduleInFlight = new Map<number, { type: string; db: number }>();
  private modulesNotSent = 0;
  /** module types the destination refused to load, with its answer */
  private readonly moduleRefused = new Map<string, string>();

  constructor(
    private readonly writer: DestinationWriter,
    private readonly opts: LoaderOptions,
  ) {
    this.caps = capabilitiesOf(writer.server);
    this.payloadVersion = this.caps.rdbVersion;
    this.dbs = opts.dbs ? new Set(opts.dbs) : null;
    this.dbMap = opts.dbMap ?? new Map();
    this.typedAbove = opts.typedAboveBytes ?? 8 * 1024 * 1024;
    this.ignore = opts.conflict === "ignore";
    this.clock = opts.now ?? Date.now;
    this.now = this.clock();
    this.hints = this.caps.restoreAbsTtl && opts.keepEvictionHints !== false;
    this.strings = writer.mode === "standalone" ? new StringBatch(writer, this.ignore, () => ++this.tag) : new SlotStringBatches(writer, this.ignore, () => ++this.tag);
    if (writer.mode === "cluster") {
      for (const [from, to] of this.dbMap) {
        if (to !== 0 && (!this.dbs || this.dbs.has(from))) throw clusterDbError(from, to);
      }
    }
    writer.setHandlers({
      onCommandError: (f) => this.onCommandError(f),
      onUncertain: (cmds) => this.onUncertain(cmds),
      onOrderHazard: (h) => this.onHazard(h.tag),
    });
  }

  /**
   * Events the parser emitted after a big key's first commands, while the writer had no room for
   * the rest (the parser cannot stop inside a chunk): handled in order by ready(). Finishing the
   * big key at once instead encoded all of its commands into memory (a 256 MB string: 256 MB more).
   * Bounded by what is left of one input chunk; transient values are copied (kept()).
   */
  private readonly deferred: RdbEvent[] = [];

  /** Handles one parser event; false when the producer should wait for ready(). */
  push(e: RdbEvent): boolean {
    if (this.running !== null || this.deferred.length > 0) {
      this.deferred.push(e.kind === "key" ? kept(e) : e);
      return false;
    }
    return this.handle(e);
  }

  private handle(e: RdbEvent): boolean {
    // a batch of strings goes before the writes of what is not a key (functions, scripts) and before
    // a new database; records that write nothing leave it open (a Redis 7.4 cluster's RDB has a
    // SLOT_INFO before each slot's keys: closing there wrote one batch per slot)
    if (e.kind === "function" || e.kind === "aux" || e.kind === "selectdb") this.strings?.close();
    if (this.redo.length > 0) this.rebuildLost();
    switch (e.kind) {
      case "key":
        this.onKey(e);
        break;
      case "header":
        this.sourceMagic = e.magic;
        this.payloadVersion = e.magic === "REDIS" ? Math.min(e.version, this.caps.rdbVersion) : this.caps.rdbVersion;
        break;
      case "function":
        this.onFunction(e.preGA && e.name && e.engine ? Buffer.concat([B(`#!${e.engine.toString()} name=${e.name.toString()}\n`), e.code]) : e.code);
        break;
      case "aux":
        if (e.key.toString() === "lua") this.writer.broadcast(0, ["SCRIPT", "LOAD", e.value], this.tag, WRITE_REPLAY_SAFE);
        break;
      case "module-aux":
        // a module's global state (not a key): RESTORE carries values only
        this.issue({ kind: "inexact", command: "MODULE AUX", message: `module auxiliary data of ${e.moduleName} cannot be copied: the destination's module keeps its own` });
        break;
      default:
        break;
    }
    return this.running === null && !this.writer.full && !this.throttled;
  }

  /** the speed limit ran out: the producer waits for it (ready()) */
  private throttled = false;

  /** Resolves when push() may be called again (writer has room, a big key is fully sent). */
  async ready(): Promise<void> {
    this.strings?.settle();
    for (;;) {
      if (this.throttled) {
        this.throttled = false;
        await this.opts.throttle!.ready();
      }
      if (this.writer.full) await this.writer.ready();
      if (this.running && !this.continueRunning()) continue;
      if (this.redo.length > 0) {
        this.rebuildLost();
        continue;
      }
      if (this.deferred.length > 0) {
        while (this.deferred.length > 0 && this.running === null && this.redo.length === 0 && !this.writer.full && !this.throttled) this.handle(this.deferred.shift()!);
        this.strings?.settle();
        continue;
      }
      if (!this.writer.full) return;
    }
  }

  /** Waits until everything is acknowledged (rebuilding lost typed keys) and returns the final figures. */
  async finish(): Promise<LoadStats> {
    for (;;) {
      await this.ready();
      // what the last keys (deferred or rebuilt ones too) left open
      this.strings?.close();
      // counted as restored when gathered: one never handed to the writer would be lost unseen
      if (this.strings && this.strings.pending > 0) throw new DtsError("INTERNAL", `${this.strings.pending} plain strings of the load were gathered but never written`);
      await this.writer.drained();
      if (this.redo.length === 0 && this.running === null && this.deferred.length === 0) break;
    }
    // everything is acknowledged: no value needs to stay for a rebuild (the loader outlives the
    // load, and a big value kept here would stay for the whole incremental phase)
    this.typedInFlight.clear();
    this.recent.fill(undefined);
    const s = this.stats;
    // module values refused without being sent are in `failed` but were never restored
    s.written = s.restored + s.typed - s.conflicts - s.failed - this.ownSent + this.modulesNotSent;
    return s;
  }

  private onKey(e: RdbKeyEvent): void {
    const s = this.stats;
    s.keys++;
    // written like any key (the destination shows the last synchronized time), never counted as data
    const own = isOwnKey(e.key);
    if (this.dbs !== null && !this.dbs.has(e.db)) {
      s.skippedDb++;
      return;
    }
    if (!own && this.opts.keyIncluded && !this.opts.keyIncluded(e.key)) {
      s.skippedFilter++;
      return;
    }
    if (own) s.ownKeys++;
    const db = this.dbMap.get(e.db) ?? e.db;
    if (this.writer.mode === "cluster" && db !== 0) throw clusterDbError(e.db, db);
    if ((s.keys & 1023) === 0) this.now = this.clock();
    if (e.expireAt !== null && e.expireAt <= this.now) {
      s.skippedExpired++;
      return;
    }
    if (e.type === "module") return this.onModuleValue(e, db);
    if (own) this.ownSent++;
    const size = e.valueBuf ? e.valueEnd! - e.valueStart! + 1 : e.raw.length;
    s.bytes += size;
    if (this.opts.throttle && !this.opts.throttle.take(1, size)) this.throttled = true;
    const plain = this.strings && !own && size <= this.typedAbove ? StringBatch.plainValue(e, this.hints) : -1;
    if (plain >= 0) {
      // tagged when its batch is written (string-batch.ts)
      s.restored++;
      this.strings!.add(db, e.key, e.valueBuf!, plain, e.valueEnd!);
      return;
    }
    const tag = ++this.tag;
    if (size <= this.typedAbove && restorable(e.rdbType, this.sourceMagic, this.caps.rdbVersion)) this.restore(e, db, tag);
    else this.startTyped(kept(e), db, tag);
  }

  /**
   * A module value's serialized bytes are a DUMP payload's body: RESTOREd whatever its size (there
   * are no typed commands for it). The destination's answer tells whether it has the module: once it
   * refuses a type's payload, the rest of that type is counted as refused without being sent.
   */
  private onModuleValue(e: RdbKeyEvent, db: number): void {
    const s = this.stats;
    const type = e.moduleName ?? "unknown";
    s.modules[type] = (s.modules[type] ?? 0) + 1;
    const refusedWhy = this.moduleRefused.get(type) ?? (restorable(e.rdbType, this.sourceMagic, this.caps.rdbVersion) ? undefined : "the destination predates module data types in DUMP payloads");
    if (refusedWhy !== undefined) {
      this.modulesNotSent++;
      this.refuseModuleValue(type, e.db, e.key, refusedWhy);
      return;
    }
    const tag = ++this.tag;
    s.bytes += e.valueBuf ? e.valueEnd! - e.valueStart! + 1 : e.raw.length;
    if (this.moduleInFlight.size >= 4096) {
      const wm = this.writer.watermark();
      for (const t of this.moduleInFlight.keys()) if (t < wm) this.moduleInFlight.delete(t);
    }
    this.moduleInFlight.set(tag, { type, db: e.db });
    this.restore(e, db, tag);
  }

  private refuseModuleValue(type: string, db: number, key: Buffer | undefined, why: string): void {
    const s = this.stats;
    s.failed++;
    s.modulesRefused[type] = (s.modulesRefused[type] ?? 0) + 1;
    this.issue({ kind: "module", db, key, command: "RESTORE", message: `module value ${key ? describeCommand([key]) : ""} of type ${type} not written: ${why}` });
  }

  private restore(e: RdbKeyEvent, db: number, tag: number): void {
    this.stats.restored++;
    const caps = this.caps;
    let ttl = 0;
    if (e.expireAt !== null) ttl = caps.restoreAbsTtl ? e.expireAt : Math.max(1, e.expireAt - this.now);
    if (this.ignore && !caps.restoreReplace) this.writer.write(db, ["DEL", e.key], e.key, tag, WRITE_REPLAY_SAFE);
    const hints = caps.restoreAbsTtl && this.opts.keepEvictionHints !== false;
    // written at once: a transient value is copied from the parser's input while it is still there
    const cmd = this.restoreCmd.set(e, ttl, this.payloadVersion, this.ignore && caps.restoreReplace, caps.restoreAbsTtl && e.expireAt !== null, hints ? e.idle : undefined, hints ? e.freq : undefined);
    if (LEGACY_ENCODINGS.has(e.rdbType)) {
      // kept so a server that rejects an old encoding's payload gets the value as commands instead
      const i = tag & RECENT_MASK;
      this.recent[i] = kept(e);
      this.recentTags[i] = tag;
      this.recentDbs[i] = db;
    }
    this.writer.writeEncoded(db, cmd, e.key, tag, this.ignore ? WRITE_REPLAY_SAFE : 0);
  }

  private startTyped(entry: RdbKeyEntry, db: number, tag: number): void {
    this.stats.typed++;
    const wm = this.writer.watermark();
    for (const t of this.typedInFlight.keys()) if (t < wm) this.typedInFlight.delete(t);
    this.typedInFlight.set(tag, { entry, db });
    const issues: string[] = [];
    this.running = { commands: this.typedPlan(entry, issues), db, tag, issues, entry };
    this.continueRunning();
  }

  /** DEL, the value's commands, the TTL, and (intercept) the move into place; on the temp key for intercept. */
  private *typedPlan(entry: RdbKeyEntry, issues: string[]): Generator<Arg[]> {
    const target = this.ignore ? entry.key : loadTmpKey(this.opts.taskId, entry.key);
    yield ["DEL", target];
    let any = false;
    const opts = { caps: this.caps, maxItems: this.opts.batchItems ?? 512, maxBytes: this.opts.batchBytes ?? 1024 * 1024, now: this.now };
    for (const cmd of typedCommands(entry, target, opts, issues)) {
      any = true;
      yield cmd;
    }
    if (!any) return;
    if (entry.expireAt !== null) yield ["PEXPIREAT", target, String(entry.expireAt)];
    if (!this.ignore) yield ["EVAL", RENAME_IF_ABSENT, "2", target, entry.key];
  }

  /** Writes the running typed key's commands while the writer has room; true when it is complete. */
  private continueRunning(): boolean {
    const run = this.running!;
    for (;;) {
      const next = run.commands.next();
      if (next.done) {
        this.running = null;
        for (const message of run.issues) this.issue({ kind: "inexact", db: run.entry.db, key: run.entry.key, message: `${describeCommand([run.entry.key])}: ${message}` });
        return true;
      }
      const argv = next.value;
      const name = String(argv[0]);
      const room = this.writer.write(run.db, argv, run.entry.key, run.tag, IDEMPOTENT.has(name) ? WRITE_REPLAY_SAFE : 0);
      if (!room) return false;
    }
  }

  private rebuildLost(): void {
    while (this.redo.length > 0 && this.running === null) {
      const k = this.redo.shift()!;
      const tag = ++this.tag;
      if (k.fromRestore) this.stats.restored--;
      else {
        this.rebuilt.add(tag);
        this.stats.typed--;
      }
      this.startTyped(k.entry, k.db, tag); // counts it as typed
    }
  }

  private onCommandError(f: CommandFailure): void {
    const typed = this.typedInFlight.has(f.tag);
    if (typed) {
      if (this.failedTyped.has(f.tag)) return;
      this.failedTyped.add(f.tag);
    }
    const name = f.argv[0]?.toString().toUpperCase() ?? "";
    if (name === "MSETNX" && f.argv.length > 3 && f.error.code === "BUSYKEY") {
      // some key of the batch exists (it set none): each key alone says which (string-batch.ts)
      for (let i = 1; i + 1 < f.argv.length; i += 2) this.writer.write(f.db ?? 0, ["MSETNX", f.argv[i], f.argv[i + 1]], f.argv[i], f.tag, WRITE_NOT_SET | (f.uncertain ? WRITE_UNCERTAIN : 0));
      return;
    }
    if (name === "RESTORE" && BAD_PAYLOAD.test(f.error.message)) {
      // e.g. a zipmap from Redis 2.x that a newer server's payload check rejects: rebuild it
      const i = f.tag & RECENT_MASK;
      const entry = this.recent[i];
      if (entry && this.recentTags[i] === f.tag) {
        this.recent[i] = undefined;
        this.redo.push({ entry, db: this.recentDbs[i], fromRestore: true });
        return;
      }
    }
    const moduleValue = name === "RESTORE" ? this.moduleInFlight.get(f.tag) : undefined;
    if (moduleValue && f.error.code !== "BUSYKEY") {
      this.moduleInFlight.delete(f.tag);
      // "Bad data format": no module there loads this type (or an older one refused its encoding)
      const why = BAD_PAYLOAD.test(f.error.message) ? `${f.node} cannot load this module type (${f.error.message}): load the module that provides it, same or newer version, on every destination node` : `refused by ${f.node}: ${f.error.message}`;
      if (BAD_PAYLOAD.test(f.error.message) && !this.moduleRefused.has(moduleValue.type)) this.moduleRefused.set(moduleValue.type, why);
      this.refuseModuleValue(moduleValue.type, moduleValue.db, f.argv[1], why);
      return;
    }
    const key = name === "EVAL" ? f.argv[4] : name === "FUNCTION" || name === "SCRIPT" ? undefined : f.argv[1];
    const entry = this.typedInFlight.get(f.tag)?.entry;
    if (f.error.code === "BUSYKEY" || (name === "FUNCTION" && /already exists/i.test(f.error.message))) {
      if (f.uncertain || this.rebuilt.has(f.tag)) return; // our own earlier copy landed before the connection broke
      if (key && isOwnKey(key)) return; // an earlier heartbeat of the same name: the next one overwrites it
      this.stats.conflicts++;
      this.issue({ kind: "conflict", db: entry?.db, key, message: name === "FUNCTION" ? `function library already exists: ${f.error.message}` : `key ${describeCommand([key ?? Buffer.alloc(0)])} already exists in the destination` });
      return;
    }
    if (name === "FUNCTION" || name === "SCRIPT") this.stats.functions--;
    // a batch of strings refused as a whole: each of its keys failed
    else if ((name === "MSETNX" || name === "MSET") && f.argv.length > 3) this.stats.failed += (f.argv.length - 1) / 2;
    else this.stats.failed++;
    this.issue({ kind: "refused", db: entry?.db, key, command: name === "EVAL" ? "RESTORE" : name, message: `${describeCommand(f.argv)} refused by ${f.node}: ${f.error.message}` });
  }

  /** Lost RESTOREs are resent (BUSYKEY afterwards means ours landed); lost typed keys are rebuilt. */
  private onUncertain(cmds: UncertainCommand[]): UncertainDecision[] {
    return cmds.map((c) => {
      const typed = this.typedInFlight.get(c.tag);
      if (!typed) return "resend";
      if (!this.redo.includes(typed)) this.redo.push(typed);
      return "skip";
    });
  }

  private onHazard(tag: number): void {
    // only a typed key has several commands whose order matters: rebuild it once things settle
    const typed = this.typedInFlight.get(tag);
    if (typed && !this.redo.includes(typed)) this.redo.push(typed);
  }

  private onFunction(code: Buffer): void {
    if (!this.caps.functions) {
      this.issue({ kind: "inexact", command: "FUNCTION", message: "a function library was not loaded: the destination has no functions (Redis 7.0+)" });
      return;
    }
    const libs = this.opts.functions;
    const flags = this.ignore ? WRITE_REPLAY_SAFE : 0;
    if (!libs) {
      this.stats.functions++;
      this.writer.broadcast(0, this.ignore ? ["FUNCTION", "LOAD", "REPLACE", code] : ["FUNCTION", "LOAD", code], this.tag, flags);
      return;
    }
    // the same library from another master, or already on the destination, is loaded once
    const outcome = libs.load(code, { replace: false, force: this.ignore });
    if (outcome.kind === "conflict") {
      this.stats.conflicts++;
      this.issue({ kind: "conflict", command: "FUNCTION", message: `a different Functions library named ${outcome.name} already exists on the destination` });
      return;
    }
    this.stats.functions++;
    for (const argv of outcome.commands) this.writer.broadcast(0, argv, this.tag, flags);
  }

  private issue(i: LoadIssue): void {
    // kept past the event's callback: its key may be the parser's reused one
    if (i.key) i = { ...i, key: Buffer.from(i.key) };
    if (this.stats.issues.length < (this.opts.keepIssues ?? 20)) this.stats.issues.push(i);
    this.opts.onIssue?.(i);
  }
}

/** An entry that outlives the parser's callback: its value copied if it was transient. */
function kept(e: RdbKeyEvent): RdbKeyEvent {
  if (e.valueBuf === undefined) return e;
  const { db, rdbType, type, expireAt, idle, freq, raw, rdbVersion, moduleName, valueOffset } = e;
  // a transient event's key is reused for the next key of its length, like the event itself
  return { kind: "key", db, key: Buffer.from(e.key), rdbType, type, expireAt, idle, freq, raw, rdbVersion, moduleName, valueOffset };
}

export function clusterDbError(from: number, to: number): DtsError {
  return new DtsError("INVALID_CONFIG", `database ${from} would be written to database ${to}, but a cluster destination has only database 0: map it with --db-map ${from}:0 or leave it out with --dbs`);
}
