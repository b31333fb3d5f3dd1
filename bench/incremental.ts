import { spawn } from "node:child_process";
import type { Redis } from "ioredis";
import type { Deployment } from "./deployment";
import type { EngineProcess } from "./engine-process";
import { pollUntil } from "./stats";

/**
 * Incremental apply: `redis-benchmark -t set -r 1000000 -n N -P 64` against the source while a copy
 * follows it. The copy is caught up when a sentinel key written right after the benchmark is visible
 * on the destination (everything before it in the stream is applied: one source, one ordered stream),
 * measured every 5 ms; for the engine, also when its status line shows the applied offset at the
 * source's offset (status lines come once a second, so that figure is up to 1 s late).
 */

export interface BenchmarkLoad {
  requests: number;
  keyspace: number;
  pipeline: number;
}

export interface IncrementalResult {
  commands: number;
  /** redis-benchmark's own run time and rate on the source */
  benchmarkMs: number;
  sourceRate: number;
  /** benchmark start → the sentinel is on the destination */
  applyMs: number;
  applyRate: number;
  /** benchmark end → the sentinel is on the destination */
  catchUpMs: number;
  /** engine only: benchmark start / end → a status line with appliedOffset ≥ the source's offset */
  applyRateByOffset?: number;
  catchUpByOffsetMs?: number;
  /** engine only: the highest latencyMs in the status lines of the run */
  peakLatencyMs?: number | null;
}

function runBenchmark(source: Deployment, load: BenchmarkLoad): Promise<{ ms: number; output: string }> {
  const m = source.masters[0];
  const args = ["-h", m.host, "-p", String(m.port), "-t", "set", "-r", String(load.keyspace), "-n", String(load.requests), "-P", String(load.pipeline), "-q"];
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const proc = spawn("redis-benchmark", args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    proc.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    proc.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    proc.once("error", reject);
    proc.once("close", (code) => (code === 0 ? resolve({ ms: performance.now() - began, output }) : reject(new Error(`redis-benchmark exited ${code}: ${output.slice(-400)}`))));
  });
}

export async function incrementalRun(o: {
  source: Deployment;
  /** where the sentinel must appear (the engine's destination or the native replica) */
  target: Redis;
  load: BenchmarkLoad;
  label: string;
  engine?: EngineProcess;
  timeoutMs: number;
}): Promise<IncrementalResult> {
  const sentinel = `bench:sentinel:${o.label}`;
  const src = o.source.conns[0];
  const began = Date.now();
  const bench = await runBenchmark(o.source, o.load);
  const endedAt = Date.now();
  const [offset] = await o.source.masterOffsets();
  await src.set(sentinel, String(endedAt));
  const seenAt = await pollUntil(async () => ((await o.target.get(sentinel)) === String(endedAt) ? Date.now() : undefined), {
    intervalMs: 5,
    timeoutMs: o.timeoutMs,
    what: () => `the sentinel ${sentinel} on the destination${o.engine ? ` (${o.engine.describe()})` : ""}`,
  });
  const result: IncrementalResult = {
    commands: o.load.requests,
    benchmarkMs: bench.ms,
    sourceRate: o.load.requests / (bench.ms / 1000),
    applyMs: seenAt - began,
    applyRate: o.load.requests / ((seenAt - began) / 1000),
    catchUpMs: seenAt - endedAt,
  };
  const engine = o.engine;
  if (engine) {
    const line = await pollUntil(() => engine.lines.find((l) => l.at >= began && (l.shards[0]?.appliedOffset ?? -1) >= offset), {
      intervalMs: 50,
      timeoutMs: o.timeoutMs,
      what: () => `a status line with appliedOffset ≥ ${offset} (${engine.describe()})`,
    });
    result.applyRateByOffset = o.load.requests / ((line.at - began) / 1000);
    result.catchUpByOffsetMs = line.at - endedAt;
    const latencies = engine.lines.filter((l) => l.at >= began && l.at <= line.at && l.latencyMs !== null).map((l) => l.latencyMs as number);
    result.peakLatencyMs = latencies.length ? Math.max(...latencies) : null;
  }
  await src.del(sentinel);
  return result;
}
