import type { BenchContext } from "./context";
import { Deployment } from "./deployment";
import { engineFullSync, type EngineRun } from "./engine-full";
import { largestValueBytes } from "./dataset";
import { fillDataset } from "./fill";
import { incrementalRun, type IncrementalResult } from "./incremental";
import { catchUpRun } from "./catch-up";
import { nativeFullSync } from "./native";
import type { CatchUpSection, EngineFullRun, FullSyncSection, IncrementalSection } from "./results.types";
import { median } from "./stats";
import { verifyCopy } from "./verify-copy";

const medianOrNull = (values: number[]) => (values.length ? median(values) : null);

/** Fills a standalone source with the reference dataset; returns it with its data key count. */
export async function filledStandalone(ctx: BenchContext, keys: number): Promise<{ source: Deployment; keys: number }> {
  const source = await Deployment.standalone();
  ctx.log(`filling a standalone source with ${keys.toLocaleString("en")} keys (seed ${ctx.o.seed})`);
  const fill = await fillDataset(await source.fillTargets(), { keys, seed: ctx.o.seed });
  const count = await source.keyCount();
  if (count !== keys) throw new Error(`the source holds ${count} keys after the fill, not ${keys}`);
  const used = await source.usedMemory();
  ctx.log(`filled in ${(fill.ms / 1000).toFixed(1)} s (${(fill.bytes / 1e6).toFixed(0)} MB of RESP); source used_memory ${(used / 1048576).toFixed(0)} MB`);
  if (!ctx.results.dataset) ctx.results.dataset = { keys, fillMs: fill.ms, sourceUsedMemoryBytes: used, largestValueBytes: largestValueBytes() };
  return { source, keys };
}

/** One engine full sync into a fresh destination, checked against the source. */
export async function engineFullRun(ctx: BenchContext, source: Deployment, target: Deployment, keys: number, what: string, cpuProfDir?: string, withConsole = false): Promise<{ run: EngineRun; record: EngineFullRun }> {
  const run = await engineFullSync({
    source,
    target,
    expectedKeys: keys,
    dataDir: ctx.dataDir,
    task: ctx.task(what),
    timeoutMs: Math.max(120_000, keys / 5),
    cpuProfDir,
    precheck: ctx.o.precheck,
    console: withConsole ? (ctx.console ?? undefined) : undefined,
  });
  const check = await verifyCopy(source, target, keys).catch((err) => {
    ctx.error(`${what} check`, err);
    return null;
  });
  if (check && (check.mismatches || check.dataKeys !== keys)) {
    ctx.error(`${what} check`, new Error(`the copy differs: ${check.dataKeys}/${keys} data keys, ${check.mismatches}/${check.sampled} sampled keys differ ${check.examples.join("; ")}`));
  }
  return { run, record: { ...run.result, check } };
}

/**
 * Sections 1, 3 and 4 on one standalone source: native and engine full syncs alternating, then the
 * engine of the last full sync follows redis-benchmark runs, then a native replica does the same.
 */
export async function standalonePhase(ctx: BenchContext): Promise<void> {
  const { source, keys } = await filledStandalone(ctx, ctx.o.keys);
  const section: FullSyncSection = { keys, native: [], engine: [], nativeMedianMs: null, engineMedianMs: null, ratio: null };
  ctx.results.fullSync = section;
  let follower: { run: EngineRun; target: Deployment } | null = null;
  try {
    for (let rep = 1; rep <= ctx.o.reps; rep++) {
      try {
        const native = await nativeFullSync(source, keys, Math.max(120_000, keys / 5));
        section.native.push({ ms: native.ms, cpuMs: native.cpuMs, keysPerSec: native.keysPerSec, budget: native.budget });
        ctx.log(`native replica full sync ${rep}/${ctx.o.reps}: ${(native.ms / 1000).toFixed(2)} s, replica CPU ${native.cpuMs === null ? "?" : (native.cpuMs / 1000).toFixed(1)} s`);
        await native.replica.stop();
      } catch (err) {
        ctx.error(`native full sync ${rep}`, err);
      }
      const target = await Deployment.standalone();
      try {
        const { run, record } = await engineFullRun(ctx, source, target, keys, "full");
        section.engine.push(record);
        ctx.log(`engine full sync ${rep}/${ctx.o.reps}: ${(record.ms / 1000).toFixed(2)} s (first status line ${record.firstStatusMs} ms, keys complete ${record.keysCompleteMs} ms, synchronizing ${record.synchronizingMs} ms), peak RSS ${(record.peakRssBytes / 1048576).toFixed(0)} MB, CPU ${(record.cpuMs / 1000).toFixed(1)} s`);
        if (rep === ctx.o.reps && !ctx.console) {
          follower = { run, target };
        } else {
          run.sampler.stop();
          await run.engine.stop();
          await target.stop();
        }
      } catch (err) {
        ctx.error(`engine full sync ${rep}`, err);
        await target.stop();
      }
      await source.deleteHeartbeats();
    }
    section.nativeMedianMs = medianOrNull(section.native.map((r) => r.ms));
    section.engineMedianMs = medianOrNull(section.engine.map((r) => r.ms));
    section.ratio = section.nativeMedianMs && section.engineMedianMs ? section.engineMedianMs / section.nativeMedianMs : null;
    ctx.results.console = section.engine.map((r) => r.console);
    if (ctx.console) {
      // The console's status API is timed during a full sync of its own: its requests (10 a second,
      // each a database read and a render) cost CPU on these cores that the native replica's timed
      // runs do not have beside them, so the timed runs go without it. This engine then follows.
      const target = await Deployment.standalone();
      try {
        const { run, record } = await engineFullRun(ctx, source, target, keys, "full-console", undefined, true);
        section.consoleRun = record;
        ctx.results.console = [record.console];
        ctx.log(`engine full sync with the console polling its status: ${(record.ms / 1000).toFixed(2)} s (not in the median), status p95 ${record.console.p95Ms?.toFixed(0) ?? "?"} ms`);
        follower = { run, target };
      } catch (err) {
        ctx.error("engine full sync with the console", err);
        await target.stop();
      }
      await source.deleteHeartbeats();
    }
    const peaks = [...section.engine, ...(section.consoleRun ? [section.consoleRun] : [])].map((r) => r.peakRssBytes);
    ctx.results.memory.fullSyncPeakRssBytes = peaks.length ? Math.max(...peaks) : null;
    await incrementalPhase(ctx, source, follower);
  } finally {
    if (follower) {
      follower.run.sampler.stop();
      await follower.run.engine.stop();
      await follower.target.stop();
    }
    await source.stop();
  }
}

async function incrementalPhase(ctx: BenchContext, source: Deployment, follower: { run: EngineRun; target: Deployment } | null): Promise<void> {
  const load = { requests: ctx.o.incrementalRequests, keyspace: 1_000_000, pipeline: 64 };
  const section: IncrementalSection = {
    command: `redis-benchmark -t set -r ${load.keyspace} -n ${load.requests} -P ${load.pipeline}`,
    engine: [],
    native: [],
    engineMedianRate: null,
    engineMedianCatchUpMs: null,
    engineMedianRateByOffset: null,
    engineMedianCatchUpByOffsetMs: null,
    enginePeakLatencyMs: null,
    nativeMedianRate: null,
    nativeMedianCatchUpMs: null,
    enginePeakRssBytes: null,
  };
  ctx.results.incremental = section;
  const catchUp: CatchUpSection = { command: `${ctx.o.catchUpCommands} × SET/INCR/HSET/LPUSH/ZADD/EXPIRE written while the copy is stopped (SIGSTOP)`, engine: [], native: [], engineMedianMs: null, nativeMedianMs: null, ratio: null };
  ctx.results.catchUp = catchUp;
  const timeoutMs = 180_000;
  if (follower) {
    const { engine, sampler } = follower.run;
    sampler.beginWindow("incremental");
    for (let rep = 1; rep <= ctx.o.reps; rep++) {
      try {
        const r = await incrementalRun({ source, target: follower.target.conns[0], load, label: `engine-${rep}`, engine, timeoutMs });
        section.engine.push(r);
        ctx.log(`engine incremental ${rep}/${ctx.o.reps}: ${Math.round(r.applyRate)} cmds/s applied (source ${Math.round(r.sourceRate)}/s), caught up ${Math.round(r.catchUpMs)} ms after the benchmark; by status line ${Math.round(r.applyRateByOffset ?? 0)} cmds/s, +${r.catchUpByOffsetMs} ms; peak latency ${r.peakLatencyMs} ms`);
      } catch (err) {
        ctx.error(`engine incremental ${rep}`, err);
        break;
      }
    }
    section.enginePeakRssBytes = sampler.endWindow("incremental");
    ctx.results.memory.incrementalPeakRssBytes = section.enginePeakRssBytes;
    for (let rep = 1; rep <= ctx.o.reps; rep++) {
      try {
        const r = await catchUpRun({ source, target: follower.target, copyPid: engine.pid, commands: ctx.o.catchUpCommands, label: `engine-${rep}`, timeoutMs });
        catchUp.engine.push(r);
        ctx.log(`engine catch-up ${rep}/${ctx.o.reps}: ${r.commands} commands in ${Math.round(r.catchUpMs)} ms (${Math.round(r.rate)} cmds/s), engine CPU ${r.copyCpuMs} ms, destination CPU ${r.destinationCpuMs} ms; ${r.differing}/${r.checked} counters/lists differ`);
        if (r.differing) ctx.error(`engine catch-up ${rep}`, new Error(`${r.differing} of ${r.checked} counters/list lengths differ from the source after the catch-up`));
      } catch (err) {
        ctx.error(`engine catch-up ${rep}`, err);
        break;
      }
    }
    sampler.stop();
    await engine.stop();
    await follower.target.stop();
  } else {
    ctx.error("engine incremental", new Error("no engine task reached synchronizing, so there is nothing to follow the benchmark"));
  }
  await source.deleteHeartbeats();
  try {
    const native = await nativeFullSync(source, await source.keyCount(), 300_000);
    try {
      for (let rep = 1; rep <= ctx.o.reps; rep++) {
        const r = await incrementalRun({ source, target: native.replica.conns[0], load, label: `native-${rep}`, timeoutMs });
        section.native.push(r);
        ctx.log(`native incremental ${rep}/${ctx.o.reps}: ${Math.round(r.applyRate)} cmds/s, caught up ${Math.round(r.catchUpMs)} ms after the benchmark`);
      }
      for (let rep = 1; rep <= ctx.o.reps; rep++) {
        const r = await catchUpRun({ source, target: native.replica, copyPid: null, commands: ctx.o.catchUpCommands, label: `native-${rep}`, timeoutMs });
        catchUp.native.push(r);
        ctx.log(`native catch-up ${rep}/${ctx.o.reps}: ${r.commands} commands in ${Math.round(r.catchUpMs)} ms (${Math.round(r.rate)} cmds/s), replica CPU ${r.destinationCpuMs} ms`);
      }
    } finally {
      await native.replica.stop();
    }
  } catch (err) {
    ctx.error("native incremental", err);
  }
  const pick = (list: IncrementalResult[], f: (r: IncrementalResult) => number | null | undefined) => medianOrNull(list.map(f).filter((v): v is number => v != null));
  section.engineMedianRate = pick(section.engine, (r) => r.applyRate);
  section.engineMedianCatchUpMs = pick(section.engine, (r) => r.catchUpMs);
  section.engineMedianRateByOffset = pick(section.engine, (r) => r.applyRateByOffset);
  section.engineMedianCatchUpByOffsetMs = pick(section.engine, (r) => r.catchUpByOffsetMs);
  const lat = section.engine.map((r) => r.peakLatencyMs).filter((v): v is number => v != null);
  section.enginePeakLatencyMs = lat.length ? Math.max(...lat) : null;
  section.nativeMedianRate = pick(section.native, (r) => r.applyRate);
  section.nativeMedianCatchUpMs = pick(section.native, (r) => r.catchUpMs);
  catchUp.engineMedianMs = medianOrNull(catchUp.engine.map((r) => r.catchUpMs));
  catchUp.nativeMedianMs = medianOrNull(catchUp.native.map((r) => r.catchUpMs));
  catchUp.ratio = catchUp.engineMedianMs && catchUp.nativeMedianMs ? catchUp.engineMedianMs / catchUp.nativeMedianMs : null;
}
