import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BenchContext } from "./context";
import { summarizeProfiles } from "./cpu-profile";
import { Deployment } from "./deployment";
import { incrementalRun } from "./incremental";
import { nativeFullSync } from "./native";
import { engineFullRun, filledStandalone } from "./phase-standalone";
import type { ScaleSection } from "./results.types";

/** Section 5: one native and one engine full sync of a larger dataset; time should grow linearly, RSS not at all. */
export async function scalePhase(ctx: BenchContext, keys: number): Promise<void> {
  const base = ctx.results.fullSync;
  const section: ScaleSection = { keys, baseKeys: ctx.o.keys, nativeMs: null, engine: null, timePerKeyRatio: null, rssRatio: null };
  ctx.results.scale = section;
  const { source } = await filledStandalone(ctx, keys);
  try {
    try {
      const native = await nativeFullSync(source, keys, Math.max(300_000, keys / 5));
      section.nativeMs = native.ms;
      ctx.log(`scale: native replica ${(native.ms / 1000).toFixed(2)} s`);
      await native.replica.stop();
    } catch (err) {
      ctx.error("scale native", err);
    }
    const target = await Deployment.standalone();
    try {
      const { run, record } = await engineFullRun(ctx, source, target, keys, "scale");
      run.sampler.stop();
      await run.engine.stop();
      section.engine = record;
      ctx.log(`scale: engine ${(record.ms / 1000).toFixed(2)} s, peak RSS ${(record.peakRssBytes / 1048576).toFixed(0)} MB`);
    } catch (err) {
      ctx.error("scale engine", err);
    } finally {
      await target.stop();
    }
  } finally {
    await source.stop();
  }
  if (section.engine && base?.engineMedianMs) {
    section.timePerKeyRatio = section.engine.ms / keys / (base.engineMedianMs / base.keys);
  }
  const basePeak = ctx.results.memory.fullSyncPeakRssBytes;
  if (section.engine && basePeak) section.rssRatio = section.engine.peakRssBytes / basePeak;
}

/**
 * A separate, profiled engine run (profiling slows it, so its times are not reported): a full sync
 * and one incremental benchmark under `node --cpu-prof`, then the self time per function.
 */
export async function profilePhase(ctx: BenchContext, reason: string): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-bench-prof-"));
  ctx.log(`profiling the engine (${reason}) into ${dir}`);
  const { source, keys } = await filledStandalone(ctx, ctx.o.keys);
  const target = await Deployment.standalone();
  try {
    const { run } = await engineFullRun(ctx, source, target, keys, "profile", dir);
    try {
      await incrementalRun({ source, target: target.conns[0], load: { requests: ctx.o.incrementalRequests, keyspace: 1_000_000, pipeline: 64 }, label: "profile", engine: run.engine, timeoutMs: 300_000 });
    } finally {
      run.sampler.stop();
      await run.engine.stop(60_000);
    }
    const profiles = summarizeProfiles(dir, 25);
    if (!profiles.length) throw new Error(`no .cpuprofile was written in ${dir} (the engine exited with ${run.engine.exitSignal ?? run.engine.exitCode})`);
    ctx.results.profile = { reason, profiles: profiles.map((p) => ({ ...p, file: path.basename(p.file) })) };
  } catch (err) {
    ctx.error("profile", err);
  } finally {
    await target.stop();
    await source.stop();
    if (!process.env.BENCH_KEEP_PROFILES) rmSync(dir, { recursive: true, force: true });
    else ctx.log(`profiles kept in ${dir}`);
  }
}
