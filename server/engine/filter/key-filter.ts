import { isOwnKey } from "../own-keys";
import { globMatch } from "./glob";
import { DtsError } from "../../errors";

/** The patterns of a task's key filter, as stored and as given on the command line. */
export interface KeyFilterSpec {
  /** keys matching any of these are synchronized (empty: every key) */
  include: string[];
  /** keys matching any of these are not, even when an include matches (exclude wins) */
  exclude: string[];
}

/**
 * Which keys a task synchronizes. Pure, and the same for every reader (the replication stream, the
 * full sync's RDB, a SCAN reader) and for `compare`: `keyIncluded` is the one test. The product's
 * own keys (heartbeats, fences) are always included, so latency and exactly-once keep working.
 */
export class KeyFilter {
  private readonly include: Buffer[];
  private readonly exclude: Buffer[];

  constructor(readonly spec: KeyFilterSpec) {
    for (const p of [...spec.include, ...spec.exclude]) {
      const problem = patternProblem(p);
      if (problem) throw new DtsError("INVALID_CONFIG", problem);
    }
    this.include = spec.include.map((p) => Buffer.from(p));
    this.exclude = spec.exclude.map((p) => Buffer.from(p));
  }

  /** false when the filter lets every key through (no patterns) */
  get active(): boolean {
    return this.include.length > 0 || this.exclude.length > 0;
  }

  keyIncluded(key: Buffer | string): boolean {
    if (isOwnKey(key)) return true;
    const k = typeof key === "string" ? Buffer.from(key) : key;
    if (this.include.length > 0 && !this.include.some((p) => globMatch(p, k))) return false;
    return !this.exclude.some((p) => globMatch(p, k));
  }

  /** "include user:*, order:*; exclude *:tmp" */
  describe(): string {
    const parts: string[] = [];
    if (this.spec.include.length) parts.push(`include ${this.spec.include.join(", ")}`);
    if (this.spec.exclude.length) parts.push(`exclude ${this.spec.exclude.join(", ")}`);
    return parts.join("; ") || "every key";
  }
}

/** The filter of a spec, or null when it has no patterns (nothing to test per key). */
export function keyFilterOf(spec: KeyFilterSpec | null | undefined): KeyFilter | null {
  if (!spec || (spec.include.length === 0 && spec.exclude.length === 0)) return null;
  return new KeyFilter(spec);
}

/** Why a pattern cannot be used (one sentence), or null. */
export function patternProblem(p: string): string | null {
  if (p.trim().length === 0) return "a key filter pattern cannot be empty";
  if (p.length > 1024) return `the key filter pattern "${p.slice(0, 40)}…" is longer than 1024 characters`;
  return null;
}
