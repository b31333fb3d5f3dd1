import type { DtsError } from "../../errors";
import type { Arg, LazyArg } from "../resp/encoder";
import type { ReplyError } from "../resp/values";
import type { ServerIdentity } from "../topology/probe";

/** `flags` bits of a write (bit 0 is the writer's own ASKING marker). */
/** resending after a lost connection cannot change the result (RESTORE REPLACE, SET, DEL, PEXPIREAT...) */
export const WRITE_REPLAY_SAFE = 2;
/** set by the writer on a command resent after its first outcome was unknown */
export const WRITE_UNCERTAIN = 4;
/**
 * set by the caller on a write of a replay (after a restart or a lost connection) that may have run
 * already: an error that says so (BUSYGROUP, an XADD id at or below the top...) is not a divergence
 */
export const WRITE_REPLAYED = 8;
/**
 * set by the writer on a transaction batch (writeBatch): MULTI, commands, EXEC encoded as one entry,
 * answered, refused and resent as a whole (see PipelinedWriter.onBatchError)
 */
export const WRITE_BATCH = 16;
/**
 * set by the caller on a command that answers 0 when it set nothing (MSETNX over an existing key):
 * that answer is reported as a BUSYKEY refusal, like RESTORE's
 */
export const WRITE_NOT_SET = 32;

export interface WriterEvent {
  kind: "retrying" | "redirected" | "reconnected" | "connection-lost" | "uncertain" | "order-hazard";
  /** one sentence for the operator */
  message: string;
  /** host:port of the node concerned */
  node?: string;
}

/** A command the destination answered with a (non-retryable) error. */
export interface CommandFailure {
  error: ReplyError;
  tag: number;
  /** the command as sent */
  argv: Buffer[];
  node: string;
  /** resent after a connection loss: its first copy may have been applied (e.g. BUSYKEY from our own RESTORE) */
  uncertain: boolean;
  /** written with WRITE_REPLAYED: part of a replay, it may have run before */
  replayed: boolean;
  /** the error came from inside a transaction's EXEC reply (the EXEC itself was accepted) */
  inTransaction?: boolean;
  /** with inTransaction: the position of the failed command among the transaction's commands */
  innerIndex?: number;
  /** the destination database it was written to */
  db?: number;
}

/** Commands whose outcome is unknown after a connection loss and that are not marked replay-safe. */
export interface UncertainCommand {
  argv: Buffer[];
  tag: number;
}
export type UncertainDecision = "resend" | "skip" | "fail";

/** Callbacks of the writer; `setHandlers` replaces them while it runs (e.g. full sync, then incremental). */
export interface WriterHandlers {
  /** non-retryable error replies; default: counted only (see stats.errors) */
  onCommandError?(failure: CommandFailure): void;
  onEvent?(event: WriterEvent): void;
  /**
   * A refusal that a server does not apply to every later command (OOM as memory frees, TRYAGAIN)
   * lets a later pipelined command in the same slot be applied before the refused one is retried.
   * Called for each such later command so the caller can repair its key (e.g. copy it again).
   */
  onOrderHazard?(hazard: { argv: Buffer[]; tag: number; node: string }): void;
  /**
   * What to do with non-replay-safe commands of unknown outcome: one decision for all, or one per
   * command (default "fail": the writer fails).
   */
  onUncertain?(commands: UncertainCommand[]): UncertainDecision | UncertainDecision[];
}

export interface WriterOptions extends WriterHandlers {
  /** per connection in-flight bounds (defaults: 20,000 commands, 16 MB) */
  maxInFlightCommands?: number;
  maxInFlightBytes?: number;
  /** MOVED/ASK bound per command (default 16) */
  maxRedirections?: number;
  /** backoff between retries: from base, doubling, capped (defaults 50 ms .. 2 s) */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** give up when the destination refused writes this long (default 0: never) */
  giveUpAfterMs?: number;
  connectTimeoutMs?: number;
  clientName?: string;
}

export interface WriterStats {
  written: number;
  acknowledged: number;
  /** commands answered with a non-retryable error */
  errors: number;
  retried: number;
  redirected: number;
  reconnects: number;
  /** commands the server accepted while an earlier one in the same slot was refused (see onOrderHazard) */
  orderHazards: number;
}

/**
 * The one write path used by the RDB loader and the incremental apply, for standalone and cluster
 * destinations. Writes are pipelined and acknowledged in order per node; `watermark()` tells which
 * tags are acknowledged everywhere. Argument buffers must not be modified after a write.
 * The apply stage reads it through its own narrower ApplyTarget (structurally: the writer imports
 * nothing from the layers that use it).
 */
export interface DestinationWriter {
  readonly mode: "standalone" | "cluster";
  readonly server: ServerIdentity;
  /** addresses of the nodes written to (cluster: the masters) */
  nodes(): string[];
  nodeOf(key: Buffer | string | null): string;
  write(db: number, argv: readonly Arg[], key: Buffer | string | null, tag?: number, flags?: number): boolean;
  /**
   * an already RESP-encoded command (e.g. forwarded verbatim from a replication stream), or a LazyArg
   * that writes a whole encoded command where the writer wants it (called at once, never kept)
   */
  writeEncoded(db: number, command: Buffer | LazyArg, key: Buffer | string | null, tag?: number, flags?: number): boolean;
  broadcast(db: number, argv: readonly Arg[], tag?: number, flags?: number): boolean;
  /**
   * Standalone destinations: a whole MULTI … EXEC transaction, already encoded (`command` holds
   * `parts` + 1 commands, the last one EXEC). It is one write: acknowledged when EXEC is answered,
   * resent whole when the server refused it before running it (EXECABORT after OOM, LOADING…); a
   * command the server refused for good while queueing it is reported and the rest sent again.
   */
  writeBatch?(db: number, command: Buffer | LazyArg, parts: number, tag?: number, flags?: number): boolean;
  /** Resolves when every queued write has been acknowledged. */
  drained(): Promise<void>;
  /** Resolves once every write tagged `tag` or lower is acknowledged (later ones may be in flight). */
  acknowledgedPast(tag: number): Promise<void>;
  /** Resolves when the writer accepts writes again (`full` is false). */
  ready(): Promise<void>;
  /** replaces the given callbacks (the others stay) */
  setHandlers(handlers: WriterHandlers): void;
  /** true while writes should pause (in-flight bounds reached or a fault is being handled) */
  readonly full: boolean;
  /** while the destination refuses writes or a node cannot be reached: why, and since when (ms) */
  readonly fault: { reason: string; since: number } | null;
  /**
   * Everything written with a tag lower than this is acknowledged by the destination (tags must not
   * decrease from one write to the next). Infinity when nothing is outstanding.
   */
  watermark(): number;
  readonly stats: WriterStats;
  /** set when the writer gave up; every later call throws it */
  readonly failure: DtsError | null;
  /** waits until everything is acknowledged, then closes the connections */
  close(): Promise<void>;
  /** closes at once; unacknowledged commands are dropped */
  destroy(): void;
}
