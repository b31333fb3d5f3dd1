import { printable } from "../values/printable";

/**
 * Nothing diverges silently: every write the destination refuses and every command the engine cannot
 * apply exactly is a divergence. Each one is counted (per task and per shard), named in the task's
 * events and records (command, key, database, reason), shown in the status, and the task's policy
 * decides what happens next:
 * - pause (default): the task stops at the diverging command, its checkpoint at or before it, so the
 *   operator fixes the cause and resumes from there (the command is applied again);
 * - skip: the task goes on; the keys are recorded for Data Verification, which checks them first;
 * - fail: the task fails (the first wave's `--on-inexact fail`).
 */

export type DivergencePolicy = "pause" | "skip" | "fail";
export type DivergenceKind = "refused" | "inexact";

export interface DivergenceRecord {
  kind: DivergenceKind;
  /** the source master (host:port) whose stream or RDB the command came from */
  shard: string;
  /** source database, when known */
  db: number | null;
  /** command name as the source sent it (upper case), or "RESTORE"/"load" for full-sync keys */
  command: string;
  keys: Buffer[];
  /** the destination's error reply, or why the engine cannot apply the command exactly */
  reason: string;
  /** during the full synchronization or the incremental phase */
  phase: "full" | "incremental";
  at: number;
  /**
   * the write refused before a pause, applied again at the resume and refused again: the same source
   * write (same stream offset) as a record kept then. Counted by this run and named in the events,
   * its keys are not recorded a second time.
   */
  repeat?: boolean;
}

/** A record as status readers see it: keys as printable text. */
export interface DivergenceItem {
  kind: DivergenceKind;
  shard: string;
  db: number | null;
  command: string;
  keys: string[];
  reason: string;
  phase: "full" | "incremental";
  at: string;
}

export interface DivergenceSummary {
  policy: DivergencePolicy;
  refused: number;
  inexact: number;
  shards: Array<{ source: string; refused: number; inexact: number }>;
  /** the most recent records, newest last */
  recent: DivergenceItem[];
  /** set when the policy stopped the task: the first diverging command, one sentence */
  haltedBy?: string;
}

export type DivergenceDecision = "continue" | "pause" | "fail";

const RECENT = 10;

export function describeRecord(r: Pick<DivergenceRecord, "kind" | "command" | "keys" | "db" | "reason" | "repeat">): string {
  const keys = r.keys.slice(0, 3).map((k) => printable(k, 120)).join(", ");
  const what = `${r.command}${keys ? ` ${keys}${r.keys.length > 3 ? ` (+${r.keys.length - 3} keys)` : ""}` : ""}${r.db !== null ? ` (db ${r.db})` : ""}`;
  if (r.repeat) return `the destination refused ${what} again, as before the pause (recorded then): ${r.reason}`;
  return r.kind === "refused" ? `the destination refused ${what}: ${r.reason}` : `${what} cannot be applied exactly: ${r.reason}`;
}

export function toItem(r: DivergenceRecord): DivergenceItem {
  return { kind: r.kind, shard: r.shard, db: r.db, command: r.command, keys: r.keys.slice(0, 20).map((k) => printable(k, 120)), reason: r.reason, phase: r.phase, at: new Date(r.at).toISOString() };
}

/** The task's divergence accounting: one per SyncTask, shared by its shards. */
export class DivergenceLog {
  private refused = 0;
  private inexact = 0;
  private readonly byShard = new Map<string, { refused: number; inexact: number }>();
  private readonly recent: DivergenceItem[] = [];
  private haltedBy: string | undefined;

  constructor(
    readonly policy: DivergencePolicy,
    /** persists the record (events, the keys for Data Verification); must not throw */
    private readonly sink: (r: DivergenceRecord, decision: DivergenceDecision) => void,
  ) {}

  /** Counts and records one divergence; the decision says whether the task goes on. */
  record(r: DivergenceRecord): DivergenceDecision {
    if (r.kind === "refused") this.refused++;
    else this.inexact++;
    let s = this.byShard.get(r.shard);
    if (!s) this.byShard.set(r.shard, (s = { refused: 0, inexact: 0 }));
    s[r.kind]++;
    this.recent.push(toItem(r));
    if (this.recent.length > RECENT) this.recent.shift();
    const decision: DivergenceDecision = this.policy === "skip" ? "continue" : this.policy;
    if (decision !== "continue" && this.haltedBy === undefined) this.haltedBy = describeRecord(r);
    this.sink(r, decision);
    return decision;
  }

  get halted(): string | undefined {
    return this.haltedBy;
  }

  get total(): number {
    return this.refused + this.inexact;
  }

  summary(): DivergenceSummary {
    return {
      policy: this.policy,
      refused: this.refused,
      inexact: this.inexact,
      shards: [...this.byShard].map(([source, c]) => ({ source, ...c })),
      recent: [...this.recent],
      ...(this.haltedBy ? { haltedBy: this.haltedBy } : {}),
    };
  }
}
