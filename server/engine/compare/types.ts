import type { Endpoint } from "../endpoint";
import type { KeyFilterSpec } from "../filter/key-filter";

/** The shape of one verification: what the CLI, the console tab and the API share. */

export type CompareMode = "full" | "quick";

/** "function": a function library (FUNCTION LOAD) missing, extra or with other code; its name is the sample's key */
export type DifferenceKind = "missing" | "extra" | "type" | "value" | "ttl" | "length" | "function";

export interface CompareOptions {
  source: Endpoint;
  target: Endpoint;
  /** source databases to compare (default: every database that holds keys on either side) */
  dbs?: number[];
  /** source database → target database (default: the same number; 0 for a cluster target) */
  dbMap?: Map<number, number>;
  /** the task's key filter: only the keys it includes are compared, on both sides */
  keyFilter?: KeyFilterSpec;
  /** full: type, value and TTL of every key; quick: key sets, types, lengths and TTL presence */
  mode: CompareMode;
  /** compare the function libraries of every master too (default true) */
  functions?: boolean;
  /** checks of a differing key before it is reported, the first included (default 3) */
  rounds?: number;
  /** wait between two checks of the same key (default 1000 ms) */
  recheckDelayMs?: number;
  /** allowed difference of absolute expiry times in full mode (default 2000 ms) */
  ttlToleranceMs?: number;
  /** keys per SCAN batch and per pipeline (default 500) */
  batchSize?: number;
  /** samples kept in the result; the counts stay exact beyond it (default 1000) */
  maxSamples?: number;
  /**
   * keys waiting for a re-check before the scan pauses for them (default 100000, ~15 MB): each key
   * waits `rounds - 1` delays, so this bounds the rate differences can be found at
   */
  maxPendingRechecks?: number;
  /** called at most every `progressIntervalMs` (default 250) and once at the end */
  /**
   * keys the synchronization recorded as divergent (refused or inexact writes), by source database:
   * checked first and reported apart (`CompareResult.recorded`); the scan still covers every key
   */
  recorded?: RecordedKey[];
  onProgress?: (p: CompareProgress) => void;
  progressIntervalMs?: number;
  signal?: AbortSignal;
}

export interface CompareProgress {
  /**
   * "recorded": checking the keys recorded as divergent; "source": scanning the source; "target":
   * scanning the target for extra keys; "recheck": final re-checks
   */
  phase: "recorded" | "source" | "target" | "recheck" | "done";
  /** recorded divergent keys checked so far (phase "recorded" and after) */
  recordedChecked?: number;
  /** source keys compared so far */
  keys: number;
  /** target keys looked up for the extra-key pass so far */
  targetKeys: number;
  /** sum of both sides' key counts from INFO keyspace at the start: a denominator for a percentage */
  estimatedTotal: number;
  /** differences confirmed by the last round so far */
  missing: number;
  extra: number;
  different: number;
  /** keys waiting for their next check */
  pendingRechecks: number;
  elapsedMs: number;
}

export interface CompareSample {
  /** source database (for "extra": the source database that maps to the target's) */
  db: number;
  targetDb: number;
  /** printable key: UTF-8 text, or the quoted escaped form redis-cli prints for binary keys */
  key: string;
  /** the exact key bytes */
  keyBase64: string;
  kind: DifferenceKind;
  detail: string;
}

export interface CompareResult {
  equal: boolean;
  /** source keys compared (the engine's heartbeat key excluded) */
  keys: number;
  /** keys on the source, not on the target */
  missing: number;
  /** keys on the target's compared databases, not on the source */
  extra: number;
  /** keys on both sides that differ (type, value, TTL or length), and function libraries that differ */
  different: number;
  /** the same differences by kind (missing + extra + the four kinds of "different") */
  byKind: Record<DifferenceKind, number>;
  /** the first differences, at most `maxSamples` */
  samples: CompareSample[];
  /** true when more differences exist than samples kept */
  samplesTruncated: boolean;
  mode: CompareMode;
  rounds: number;
  durationMs: number;
  /** the recorded divergent keys' own check, when `recorded` was given */
  recorded?: RecordedResult;
}

export interface RecordedKey {
  /** source database */
  db: number;
  key: Buffer;
}

export interface RecordedResult {
  /** distinct recorded keys checked */
  checked: number;
  /** of those, still different after every re-check */
  stillDifferent: number;
  /** of those, equal on both sides now (repaired, or rewritten since) */
  nowEqual: number;
  /** recorded keys of a source database this comparison does not cover */
  notCompared: number;
  /** the still-different keys, at most `maxSamples` */
  samples: CompareSample[];
}
