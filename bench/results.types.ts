import type { ProfileSummary } from "./cpu-profile";
import type { ProbeResult } from "./console-probe";
import type { EngineFullResult } from "./engine-full";
import type { IncrementalResult } from "./incremental";
import type { CatchUpResult } from "./catch-up";
import type { CopyCheck } from "./verify-copy";
import type { CpuBudget } from "./cpu-budget";

/** The JSON written to bench/results/<date>.json. Every figure is a measurement; targets live in report.ts. */

export interface RunError {
  phase: string;
  message: string;
}

export interface NativeFullRun {
  ms: number;
  cpuMs: number | null;
  keysPerSec: number;
  /** the source's and the machine's CPU during the run (cpu-budget.ts) */
  budget?: CpuBudget | null;
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
  /** one more engine full sync while the console polls its status (the console rows; not in the median) */
  consoleRun?: EngineFullRun;
}

export interface NativeClusterRun {
  /** the REPLICAOF commands → all replicas linked, loaded and holding their master's keys */
  ms: number;
  /** CPU time of the replicas' redis-servers, summed */
  cpuMs: number | null;
  keys: number;
  /** the source's and the machine's CPU during the run (cpu-budget.ts) */
  budget?: CpuBudget | null;
}

export interface ClusterSection {
  keys: number;
  masters: number;
  engine: EngineFullRun[];
  /** one empty redis-server per source master, all doing REPLICAOF at the same instant */
  native: NativeClusterRun[];
  engineMedianMs: number | null;
  nativeMedianMs: number | null;
  keysPerSec: number | null;
  /** engine (cluster) / native replicas of the same cluster, from the medians */
  ratioToNative: number | null;
}

export interface BigValueRun {
  ms: number;
  peakRssBytes: number;
  cpuMs: number;
  /** the value read back from the destination hashes like the source's */
  equal: boolean;
}

export interface BigValueSection {
  valueBytes: number;
  smallKeys: number;
  engine: BigValueRun[];
  /** native replica full sync of the same source */
  nativeMs: number | null;
  engineMedianMs: number | null;
  minPeakRssBytes: number | null;
  maxPeakRssBytes: number | null;
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
  machine: {
    cpus: number;
    memoryGb: number;
    node: string;
    redis: string;
    commit: string;
    loadAverageAtStart: number[];
    loadAverageAtEnd: number[] | null;
    /**
     * ms a fixed single-core loop took in a fresh node process, at the start and the end (host-speed.ts):
     * this machine's speed drifts (up to 2x within an hour), and every absolute figure with it
     */
    cpuLoopMsAtStart?: number | null;
    cpuLoopMsAtEnd?: number | null;
  };
  options: { keys: number; reps: number; seed: number; incrementalRequests: number; catchUpCommands?: number; scaleKeys: number | null; bigValueBytes?: number | null; precheck?: boolean };
  /** largestValueBytes: the largest single value the generator can produce (the memory target adds 150 MiB) */
  dataset: { keys: number; fillMs: number; sourceUsedMemoryBytes: number; largestValueBytes?: number } | null;
  fullSync: FullSyncSection | null;
  cluster: ClusterSection | null;
  incremental: IncrementalSection | null;
  catchUp?: CatchUpSection | null;
  memory: { fullSyncPeakRssBytes: number | null; incrementalPeakRssBytes: number | null };
  console: ProbeResult[];
  scale: ScaleSection | null;
  bigValue?: BigValueSection | null;
  profile: { reason: string; profiles: ProfileSummary[] } | null;
  errors: RunError[];
  table?: string;
  targets?: Array<{ name: string; value: string; target: string; pass: boolean | null }>;
}
