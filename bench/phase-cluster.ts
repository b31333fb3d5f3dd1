import type { BenchContext } from "./context";
import { Deployment } from "./deployment";
import { fillDataset } from "./fill";
import { nativeClusterSync } from "./native-cluster";
import { engineFullRun } from "./phase-standalone";
import type { ClusterSection } from "./results.types";
import { median } from "./stats";

/**
 * Section 2: the same dataset on a 3-master cluster (filled by slot), copied to an empty 3-master
 * cluster by the engine, alternating with its yardstick: one native replica per source master.
 */
export async function clusterPhase(ctx: BenchContext): Promise<void> {
  const masters = 3;
  const keys = ctx.o.keys;
  const section: ClusterSection = { keys, masters, engine: [], native: [], engineMedianMs: null, nativeMedianMs: null, keysPerSec: null, ratioToNative: null };
  ctx.results.cluster = section;
  ctx.log(`starting two ${masters}-master clusters`);
  const source = await Deployment.cluster(masters);
  const target = await Deployment.cluster(masters);
  const timeoutMs = Math.max(120_000, keys / 5);
  try {
    const fill = await fillDataset(await source.fillTargets(), { keys, seed: ctx.o.seed });
    const count = await source.keyCount();
    if (count !== keys) throw new Error(`the source cluster holds ${count} keys after the fill, not ${keys}`);
    ctx.log(`filled the source cluster in ${(fill.ms / 1000).toFixed(1)} s`);
    for (let rep = 1; rep <= ctx.o.reps; rep++) {
      try {
        const native = await nativeClusterSync(source, timeoutMs);
        section.native.push(native);
        ctx.log(`native cluster full sync ${rep}/${ctx.o.reps}: ${masters} replicas loaded ${native.keys} keys in ${(native.ms / 1000).toFixed(2)} s, replicas' CPU ${native.cpuMs === null ? "?" : (native.cpuMs / 1000).toFixed(1)} s`);
      } catch (err) {
        ctx.error(`native cluster full sync ${rep}`, err);
      }
      try {
        const { run, record } = await engineFullRun(ctx, source, target, keys, "cluster");
        section.engine.push(record);
        ctx.log(`engine cluster full sync ${rep}/${ctx.o.reps}: ${(record.ms / 1000).toFixed(2)} s (keys complete ${record.keysCompleteMs} ms, synchronizing ${record.synchronizingMs} ms), peak RSS ${(record.peakRssBytes / 1048576).toFixed(0)} MB, CPU ${(record.cpuMs / 1000).toFixed(1)} s`);
        run.sampler.stop();
        await run.engine.stop();
      } catch (err) {
        ctx.error(`engine cluster full sync ${rep}`, err);
      }
      await source.deleteHeartbeats();
      await target.flushAll();
    }
  } finally {
    await source.stop();
    await target.stop();
  }
  if (section.native.length) section.nativeMedianMs = median(section.native.map((r) => r.ms));
  if (section.engine.length) {
    section.engineMedianMs = median(section.engine.map((r) => r.ms));
    section.keysPerSec = keys / (section.engineMedianMs / 1000);
    section.ratioToNative = section.nativeMedianMs ? section.engineMedianMs / section.nativeMedianMs : null;
  }
}
