import type { Prng } from "./prng";
import type { FuzzProfile } from "./profiles";
import { Keyspace, type KeyKind, type Scope } from "./keyspace";
import type { AbsTime, Arg, Op, TxCmd } from "./op";

/**
 * What every op family draws from: the connection's random stream, the key names, the profile, and
 * counters for names and stream IDs that must be unique. One Gen per connection and phase.
 */
export class Gen {
  private seq = 0;
  private forced: Scope | null = null;
  /** explicit stream IDs written so far by this connection (ms part), increasing */
  private streamMs: number;
  readonly streamIds: string[] = [];

  constructor(
    readonly r: Prng,
    readonly ks: Keyspace,
    readonly profile: FuzzProfile,
    /** connection number and phase letter: part of op ids and of unique names */
    readonly conn: number,
    readonly phase: string,
  ) {
    // phases write increasing explicit IDs: each phase starts far above the one before
    this.streamMs = 1_000_000 * (phase.charCodeAt(0) - 64) + 1000 * conn;
  }

  get sw() {
    return this.profile.switches;
  }

  get clusterSource(): boolean {
    return this.profile.source.mode === "cluster";
  }

  get clusterTarget(): boolean {
    return this.profile.target.mode === "cluster";
  }

  /** a fresh id for an op (set by the generator) or a name */
  next(): number {
    return this.seq++;
  }

  scope(oneSlot = false): Scope {
    return this.forced ?? this.ks.scope(this.r, oneSlot);
  }

  /** runs `draw` with every scope it asks for forced to `s` (the commands of one transaction) */
  within<T>(s: Scope, draw: () => T): T {
    const before = this.forced;
    this.forced = s;
    try {
      return draw();
    } finally {
      this.forced = before;
    }
  }

  /** a scope for a transaction or script: one slot unless the destination may split it */
  txScope(): Scope {
    return this.scope(this.clusterTarget && !this.sw.txAcrossSlots);
  }

  key(kind: KeyKind, s: Scope): Buffer {
    return this.ks.key(this.r, kind, s);
  }

  /** two distinct keys of a kind when the pool allows */
  keys(kind: KeyKind, s: Scope, n: number): Buffer[] {
    const out: Buffer[] = [];
    for (let tries = 0; out.length < n && tries < n * 4; tries++) {
      const k = this.key(kind, s);
      if (!out.some((x) => x.equals(k))) out.push(k);
    }
    while (out.length < n) out.push(this.key(kind, s));
    return out;
  }

  /** a string value: mostly short text, sometimes empty, binary or a few KB */
  value(): Buffer | string {
    const r = this.r;
    const x = r.float();
    if (x < 0.05) return "";
    if (x < 0.15) return Buffer.from(Array.from({ length: r.range(1, 24) }, () => r.int(256)));
    if (x < 0.18) return "k".repeat(r.range(1000, 6000));
    return `v${r.u32().toString(36)}${"-".repeat(r.int(30))}`;
  }

  /** a member of a small alphabet, so later commands meet the same members */
  member(prefix: string, n = 20): string {
    return `${prefix}${this.r.int(n)}`;
  }

  int(lo: number, hi: number): number {
    return this.r.range(lo, hi);
  }

  /** a relative TTL that cannot end during a round (at least an hour) */
  longTtlSeconds(): number {
    return this.r.range(3600, 86400 * 30);
  }

  /** an absolute time: in the future (an hour or more), or with `pastChance` already past */
  absTime(unit: "s" | "ms", pastChance = 0): AbsTime {
    const past = this.r.chance(pastChance);
    return { abs: unit, offsetMs: past ? -this.r.range(1000, 86_400_000) : this.r.range(3_600_000, 86_400_000 * 30) };
  }

  /** an explicit stream ID above every ID this connection wrote before */
  nextStreamId(): string {
    this.streamMs += this.r.range(1, 5);
    const id = `${this.streamMs}-${this.r.int(3)}`;
    this.streamIds.push(id);
    return id;
  }

  /** an explicit ID written earlier (or one never written) */
  oldStreamId(): string {
    return this.streamIds.length > 0 && this.r.chance(0.8) ? this.r.pick(this.streamIds) : `${this.r.range(1, 999)}-0`;
  }

  // ---- op builders ----

  cmd(s: Scope, key: Buffer | null, ...argv: Arg[]): Op {
    return { t: "cmd", id: "", db: s.db, key, argv };
  }

  tx(s: Scope, key: Buffer, cmds: TxCmd[], discard = false): Op {
    return { t: "tx", id: "", db: s.db, key, cmds, discard };
  }
}

/** An op family: returns null when it has nothing to offer in this profile (the generator draws again). */
export type Family = (g: Gen) => Op | null;
