import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BenchContext } from "./context";
import { summarizeProfiles } from "./cpu-profile";
import { Deployment } from "./deployment";
import { EngineProcess } from "./engine-process";
import { incrementalRun } from "./incremental";
import { engineFullRun, filledStandalone } from "./phase-standalone";
import { pollUntil } from "./stats";

/**
 * Where the engine's time goes, in separate profiled runs (profiling slows the engine, so their
 * times are not reported): a full sync under `node --cpu-prof` stopped once synchronizing, then the
 * same task resumed (incremental only, from its checkpoint) under a second profile while
 * redis-benchmark writes to the source.
 */
export async function profilePhase(ctx: BenchContext, reason: string): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-bench-prof-"));
  const fullDir = path.join(dir, "full");
  const incrDir = path.join(dir, "incremental");
  mkdirSync(fullDir);
  mkdirSync(incrDir);
  ctx.log(`profiling the engine (${reason}) into ${dir}`);
  const { source, keys } = await filledStandalone(ctx, ctx.o.keys);
  const target = await Deployment.standalone();
  const profiles: NonNullable<typeof ctx.results.profile>["profiles"] = [];
  const collect = (phase: string, from: string) => {
    const found = summarizeProfiles(from, 25);
    if (!found.length) throw new Error(`no .cpuprofile was written for the ${phase} run in ${from}`);
    for (const p of found) profiles.push({ ...p, file: `${phase}/${path.basename(p.file)}` });
  };
  try {
    const { run } = await engineFullRun(ctx, source, target, keys, "profile", fullDir);
    run.sampler.stop();
    await run.engine.stop(60_000);
    collect("full", fullDir);
    const resumed = new EngineProcess({ ...run.engine.o, cpuProfDir: incrDir }).start();
    try {
      await pollUntil(() => (resumed.last?.state === "synchronizing" ? true : undefined), { intervalMs: 50, timeoutMs: 120_000, what: () => `the resumed task to synchronize (${resumed.describe()})` });
      const resync = resumed.lines.some((l) => l.fullSync.keys > 0);
      if (resync) ctx.log("the resumed profiled task did a full resynchronization: its profile mixes both phases");
      await incrementalRun({ source, target: target.conns[0], load: { requests: ctx.o.incrementalRequests, keyspace: 1_000_000, pipeline: 64 }, label: "profile", engine: resumed, timeoutMs: 300_000 });
    } finally {
      await resumed.stop(60_000);
    }
    collect("incremental", incrDir);
    ctx.results.profile = { reason, profiles };
  } catch (err) {
    if (profiles.length) ctx.results.profile = { reason, profiles };
    ctx.error("profile", err);
  } finally {
    await target.stop();
    await source.stop();
    if (!process.env.BENCH_KEEP_PROFILES) rmSync(dir, { recursive: true, force: true });
    else ctx.log(`profiles kept in ${dir}`);
  }
}
