import type { BenchContext } from "./context";
import { Deployment } from "./deployment";
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
