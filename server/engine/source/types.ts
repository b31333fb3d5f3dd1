import type { DtsError } from "../../errors";
import type { SpoolStats } from "./spool";

/**
 * The contract between the replication client (one source master) and its consumer (the sync task).
 *
 * Offsets are replication offsets as Redis counts them: the number of stream bytes a replica has
 * processed. After `+FULLRESYNC <replid> <offset>` and the RDB, the first command starts at `offset`;
 * a command's `endOffset` is the offset a replica reports once it has processed it. A checkpoint
 * stores the endOffset of the last command the destination acknowledged and resumes with
 * `PSYNC <replid> <offset+1>`.
 */

/** Where to resume. `db` is the database selected at that offset: a master does not repeat SELECT
 * after `+CONTINUE`, so commands after the resume point belong to this db until the next SELECT. */
export interface ReplicationCheckpoint {
  replid: string;
  offset: number;
  db?: number;
}

/**
 * Which replication protocol the master proved to speak. A full resync cannot tell psync2 (4.0+)
 * from PSYNC (2.8-3.2): 3.x accepts `REPLCONF capa psync2` and silently ignores it. Only a
 * `+CONTINUE <replid>` proves psync2.
 */
export type PsyncProtocol =
  /** `+CONTINUE <replid>`: Redis 4.0+, the replid survives failovers */
  | "psync2"
  /** PSYNC (2.8+): `+FULLRESYNC`, or `+CONTINUE` without replid (2.8-3.2) */
  | "psync"
  /** pre-2.8: SYNC only; no replid, offsets counted from 0 locally, a restart means a full sync */
  | "sync";

export interface FullResyncInfo {
  /** "?" for SYNC (no replication id) */
  replid: string;
  offset: number;
  protocol: PsyncProtocol;
  /** "length": `$<len>` then exactly len bytes; "eof": diskless `$EOF:<mark>`, size unknown */
  transfer: "length" | "eof";
  /** RDB size when the master announced it */
  rdbLength: number | null;
}

export interface ContinueInfo {
  /** the master's replid now (a new one after a failover, under psync2) */
  replid: string;
  /** the replid we asked to continue */
  previousReplid: string;
  /** offset of the first byte to come minus one: the checkpoint's offset */
  offset: number;
  protocol: PsyncProtocol;
}

export interface ReplicatedCommand {
  argv: Buffer[];
  /** database selected when the master wrote it */
  db: number;
  startOffset: number;
  endOffset: number;
  /**
   * The command's bytes as the master sent them (RESP), when they arrived in one piece: a view of the
   * received data, like argv's elements.
   */
  raw?: Buffer;
}

export interface ReplicationHandler {
  /** the handshake waits for the master to prepare a full resync (see HandshakeOptions.waiting) */
  waiting?(step: "psync" | "rdb" | null): void;
  /** a new dataset follows: RDB bytes, then rdbEnd (also after a PSYNC that the master refused) */
  fullResync(info: FullResyncInfo): void;
  /** the RDB exactly, in pieces, framing removed (feed it to the RDB parser); a piece is valid only during the call (copy it to keep it) */
  rdbData(chunk: Buffer): void;
  rdbEnd(info: { bytes: number }): void;
  /** the master accepted the checkpoint: commands continue right after it */
  continued(info: ContinueInfo): void;
  /** a command to apply */
  command(cmd: ReplicatedCommand): void;
  /**
   * stream traffic that advances the offset but is not applied: the master's PING, REPLCONF
   * (GETACK) and SELECT (already reflected in the db of later commands)
   */
  control(cmd: ReplicatedCommand): void;
  /** exactly once, after everything received before the end was delivered; null = closed by us */
  end(error: DtsError | null): void;
  /** out of band, right away: retries, a lost connection (end follows once the backlog is delivered); "info" for what is not a problem */
  notice?(message: string, level?: "info" | "warn"): void;
}

/** The master's side of pacing an RDB transfer (rdb-pacer.ts, stream-growth-probe.ts). */
export interface SourceStreamProbe {
  /** begin sampling (a transfer starts) */
  start(): void;
  /** stop sampling and close its connection */
  stop(): void;
  /** bytes the master's stream grew past `offset`, from a fresh sample; null when not known */
  growthSince(offset: number): number | null;
  /** stream bytes the master can hold for a replica far from its output-buffer limits (0 until known) */
  readonly budget: number;
}

export interface ReplicationClientOptions {
  /** TLS toward the source (undefined: plain TCP) */
  tls?: import("../tls").TlsConfig;
  host: string;
  port: number;
  username?: string;
  password?: string;
  checkpoint?: ReplicationCheckpoint;
  /**
   * The offset the consumer has APPLIED (endOffset of the last command, or control, done at the
   * destination). REPLCONF ACK never reports more. Before the RDB is loaded return anything lower
   * than the FULLRESYNC offset (0 is fine: a master keeps the highest ACK it saw).
   */
  appliedOffset: () => number;
  /** folder for the spool file */
  spoolDir: string;
  /** bytes kept in memory before the backlog spills to disk (default 4 MiB) */
  spoolMemoryLimit?: number;
  /** watches the master's stream so a full sync's RDB can be read at the consumer's pace (absent: network speed) */
  streamProbe?: SourceStreamProbe;
  /** announced in REPLCONF listening-port (default: the connection's local port, unique per task) */
  listeningPort?: number;
  connectTimeoutMs?: number;
  /** how long PING / AUTH / REPLCONF may stay unanswered (default 10 s) */
  handshakeTimeoutMs?: number;
  /** silence tolerated once PSYNC is sent, like a replica's repl-timeout (default 60 s) */
  readTimeoutMs?: number;
  ackIntervalMs?: number;
  /** backoff for -LOADING / -NOMASTERLINK: first delay, cap, and how many attempts (default unlimited) */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  maxRetries?: number;
}

export type ReplicationState = "connecting" | "handshake" | "waiting-rdb" | "rdb" | "streaming" | "closed";

export interface ReplicationStats {
  state: ReplicationState;
  source: string;
  replid: string | null;
  protocol: PsyncProtocol | null;
  /** offset of the last byte received from the socket (may be ahead of what was delivered) */
  receivedOffset: number | null;
  rdbBytesReceived: number;
  rdbLength: number | null;
  lastAckOffset: number | null;
  retries: number;
  spool: SpoolStats;
  pacing: PacingStats;
}

/** How a full sync's RDB transfer was paced (rdb-pacer.ts). */
export interface PacingStats {
  /** times the socket was paused */
  pauses: number;
  pausedMs: number;
  /** why pacing ended before the RDB did (the rest went to the spool at network speed); null if it did not */
  stoppedBecause: string | null;
}

