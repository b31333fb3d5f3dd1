import type { ConsoleProbe, ProbeResult } from "./console-probe";
import { unavailable } from "./console-probe";
import type { Deployment } from "./deployment";
import { EngineProcess } from "./engine-process";
import { RssSampler, cpuMsOf, redisPidOf, rssHighWaterOf, rssOf } from "./rss-sampler";
import { pollUntil } from "./stats";
import { startCpuBudget, type CpuBudget } from "./cpu-budget";

/**
 * One engine full synchronization, timed from the process start until the destination holds every
 * key of the source and the task reports `synchronizing` — the same finish line as the native replica
 * (all keys loaded, link up). RSS is sampled all along; the console, when there, is polled.
 */

export interface EngineFullOptions {
  source: Deployment;
  target: Deployment;
  /** data keys on the source when the run starts (heartbeat keys of earlier runs removed) */
  expectedKeys: number;
  dataDir: string;
  task: string;
  timeoutMs: number;
  cpuProfDir?: string;
  /** run the precheck inside the timed run */
  precheck?: boolean;
  console?: ConsoleProbe;
}

export interface EngineFullResult {
  ms: number;
  keysPerSec: number;
  /** process start → first status line (runtime start, CLI load, database) */
  firstStatusMs: number | null;
  /** process start → the destination held every key */
  keysCompleteMs: number;
  /** process start → the first `synchronizing` status line */
  synchronizingMs: number;
  /** the larger of the 100 ms samples and the kernel's high-water mark (VmHWM) at the finish line */
  peakRssBytes: number;
  /** VmHWM at the finish line: the exact peak since the process started */
  rssHighWaterBytes: number | null;
  /** RSS when the first status line arrived: what the process holds before any data moves */
  rssAtFirstStatusBytes: number | null;
  /** CPU time the engine process used until the finish line (immune to other load on the machine) */
  cpuMs: number;
  /** CPU the destination's redis-server used meanwhile (standalone destinations) */
  destinationCpuMs?: number | null;
  statusLines: number;
  console: ProbeResult;
  /** the source's and the machine's CPU until the finish line */
  budget?: CpuBudget | null;
}

export interface EngineRun {
  result: EngineFullResult;
  engine: EngineProcess;
  sampler: RssSampler;
}

export async function engineFullSync(o: EngineFullOptions): Promise<EngineRun> {
  const budget = startCpuBudget(o.source);
  const engine = new EngineProcess({
    task: o.task,
    source: o.source.uri,
    target: o.target.uri,
    sourceMode: o.source.mode,
    targetMode: o.target.mode,
    dataDir: o.dataDir,
    cpuProfDir: o.cpuProfDir,
    precheck: o.precheck,
  }).start();
  const sampler = new RssSampler(engine.pid).start();
  // the destination's own CPU for the load (standalone: its one redis-server)
  const destPid = o.target.mode === "standalone" ? redisPidOf(o.target.masters[0]) : null;
  const destCpuBefore = destPid ? cpuMsOf(destPid) : null;
  let rssAtFirstStatus: number | null = null;
  const off = engine.onLine(() => {
    rssAtFirstStatus = rssOf(engine.pid);
    off();
  });
  sampler.beginWindow("full");
  const stopProbe = o.console ? o.console.probe(o.task) : async () => unavailable("the console probe is off for this run");
  let keysAt = 0;
  let keys = 0;
  try {
    const syncAt = await pollUntil(
      async () => {
        const failed = engine.lines.find((l) => l.state === "failed" || l.state === "precheck_failed");
        if (failed) throw new Error(`the engine reported ${failed.state}${failed.error ? `: ${failed.error}` : ""}; ${engine.describe()}`);
        if (!engine.running) throw new Error(`the engine process ended during the full sync: ${engine.describe()}`);
        if (!keysAt) {
          keys = await o.target.keyCount();
          if (keys >= o.expectedKeys) keysAt = Date.now();
        }
        const sync = engine.lines.find((l) => l.state === "synchronizing");
        return keysAt && sync ? sync.at : undefined;
      },
      // polled as often as the native replica's INFO (native.ts): the same granularity on both sides
      { intervalMs: 10, timeoutMs: o.timeoutMs, what: () => `the engine full sync (${keys}/${o.expectedKeys} keys on the destination; ${engine.describe()})` },
    );
    const doneAt = Math.max(keysAt, syncAt);
    const ms = doneAt - engine.startedAt;
    // the machine is read now, at the finish line; the source once its fork child is reaped
    const budgetRead = budget?.end() ?? Promise.resolve(null);
    const console = await stopProbe();
    const rssHighWaterBytes = rssHighWaterOf(engine.pid);
    const peakRssBytes = Math.max(sampler.endWindow("full"), rssHighWaterBytes ?? 0);
    return {
      engine,
      sampler,
      result: {
        ms,
        keysPerSec: o.expectedKeys / (ms / 1000),
        firstStatusMs: engine.lines[0] ? engine.lines[0].at - engine.startedAt : null,
        keysCompleteMs: keysAt - engine.startedAt,
        synchronizingMs: syncAt - engine.startedAt,
        peakRssBytes,
        rssHighWaterBytes,
        rssAtFirstStatusBytes: rssAtFirstStatus,
        cpuMs: sampler.cpuMs,
        destinationCpuMs: destPid && destCpuBefore !== null ? (cpuMsOf(destPid) ?? destCpuBefore) - destCpuBefore : null,
        statusLines: engine.lines.length,
        console,
        budget: await budgetRead,
      },
    };
  } catch (err) {
    await stopProbe().catch(() => undefined);
    sampler.stop();
    await engine.kill();
    throw err;
  }
}
