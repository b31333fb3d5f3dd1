import type { ProfileSummary } from "./cpu-profile";
import type { ProbeResult } from "./console-probe";
import type { EngineFullResult } from "./engine-full";
import type { IncrementalResult } from "./incremental";
import type { CatchUpResult } from "./catch-up";
import type { CopyCheck } from "./verify-copy";

/** The JSON written to bench/results/<date>.json. Every figure is a measurement; targets live in report.ts. */

export interface RunError {
  phase: string;
  message: string;
}

export interface NativeFullRun {
  ms: number;
  cpuMs: number | null;
  keysPerSec: number;
}

export interface EngineFullRun extends EngineFullResult {
  check: CopyCheck | null;
}

export interface FullSyncSection {
  keys: number;
  native: NativeFullRun[];
  engine: EngineFullRun[];
  nativeMedianMs: number | null;
  engineMedianMs: number | null;
  /** engine / native, from the medians */
  ratio: number | null;
}

export interface ClusterSection {
  keys: number;
  masters: number;
  engine: EngineFullRun[];
  engineMedianMs: number | null;
  keysPerSec: number | null;
  /** engine (cluster) / native replica (standalone, section 1) */
  ratioToNative: number | null;
}

export interface IncrementalSection {
  command: string;
  engine: IncrementalResult[];
  native: IncrementalResult[];
  engineMedianRate: number | null;
  engineMedianCatchUpMs: number | null;
  engineMedianRateByOffset: number | null;
  engineMedianCatchUpByOffsetMs: number | null;
  enginePeakLatencyMs: number | null;
  nativeMedianRate: number | null;
  nativeMedianCatchUpMs: number | null;
  enginePeakRssBytes: number | null;
}

export interface CatchUpSection {
  command: string;
  engine: CatchUpResult[];
  native: CatchUpResult[];
  engineMedianMs: number | null;
  nativeMedianMs: number | null;
  /** engine / native catch-up time */
  ratio: number | null;
}

export interface ScaleSection {
  keys: number;
  baseKeys: number;
  nativeMs: number | null;
  engine: EngineFullRun | null;
  /** engine time per key at scale / at the base size (1.0 = linear) */
  timePerKeyRatio: number | null;
  /** peak RSS at scale / at the base size */
  rssRatio: number | null;
}

export interface BenchResults {
  date: string;
  quick: boolean;
  machine: { cpus: number; memoryGb: number; node: string; redis: string; commit: string; loadAverageAtStart: number[]; loadAverageAtEnd: number[] | null };
  options: { keys: number; reps: number; seed: number; incrementalRequests: number; catchUpCommands?: number; scaleKeys: number | null };
  dataset: { keys: number; fillMs: number; sourceUsedMemoryBytes: number } | null;
  fullSync: FullSyncSection | null;
  cluster: ClusterSection | null;
  incremental: IncrementalSection | null;
  catchUp?: CatchUpSection | null;
  memory: { fullSyncPeakRssBytes: number | null; incrementalPeakRssBytes: number | null };
  console: ProbeResult[];
  scale: ScaleSection | null;
  profile: { reason: string; profiles: ProfileSummary[] } | null;
  errors: RunError[];
  table?: string;
  targets?: Array<{ name: string; value: string; target: string; pass: boolean | null }>;
}
