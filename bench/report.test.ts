import { describe, expect, it } from "vitest";
import { formatTable, targetsOf } from "./report";
import type { BenchResults, BigValueRun, EngineFullRun } from "./results.types";

/** The judging of issue 15's targets on made-up figures: a figure at the bound passes, one past it fails. */

const MiB = 1024 * 1024;

function engineRun(ms: number, peakRssBytes: number, cpuMs = 1000): EngineFullRun {
  return {
    ms,
    keysPerSec: 0,
    firstStatusMs: 100,
    keysCompleteMs: ms,
    synchronizingMs: ms,
    peakRssBytes,
    rssHighWaterBytes: peakRssBytes,
    rssAtFirstStatusBytes: 100 * MiB,
    cpuMs,
    statusLines: 3,
    console: { available: false, samples: 0, errors: 0 },
    check: null,
  };
}

function results(over: Partial<BenchResults> = {}): BenchResults {
  return {
    date: "2026-12-04T00:00:00.000Z",
    quick: false,
    machine: { cpus: 2, memoryGb: 24, node: "v20", redis: "7.0.15", commit: "abc", loadAverageAtStart: [0], loadAverageAtEnd: [0] },
    options: { keys: 1_000_000, reps: 1, seed: 1, incrementalRequests: 1, scaleKeys: null, precheck: true },
    dataset: { keys: 1_000_000, fillMs: 1, sourceUsedMemoryBytes: 1, largestValueBytes: 550 },
    fullSync: { keys: 1_000_000, native: [{ ms: 4000, cpuMs: 2000, keysPerSec: 0 }], engine: [engineRun(4000, 100 * MiB, 4000)], nativeMedianMs: 4000, engineMedianMs: 4000, ratio: 1.0 },
    cluster: null,
    incremental: null,
    memory: { fullSyncPeakRssBytes: 150 * MiB + 550, incrementalPeakRssBytes: 150 * MiB },
    console: [{ available: true, route: "/api/x", samples: 10, errors: 0, p95Ms: 99 }],
    scale: null,
    profile: null,
    errors: [],
    ...over,
  };
}

const verdict = (r: BenchResults, start: string) => targetsOf(r).find((t) => t.name.startsWith(start));

describe("bench report: issue 15 targets", () => {
  it("passes every figure exactly at its bound", () => {
    const r = results();
    expect(verdict(r, "1. full sync")).toMatchObject({ target: "≤ 1.0× native", pass: true });
    expect(verdict(r, "4. engine peak RSS during full sync")).toMatchObject({ target: "≤ 150 MB (largest value 550 B + 150 MB)", pass: true });
    expect(verdict(r, "engine peak RSS during incremental")?.pass).toBe(true);
    expect(verdict(r, "console task status p95")?.pass).toBe(true);
  });

  it("fails each figure just past its bound", () => {
    const r = results({
      memory: { fullSyncPeakRssBytes: 150 * MiB + 551, incrementalPeakRssBytes: 150 * MiB + 1 },
      console: [{ available: true, route: "/api/x", samples: 10, errors: 0, p95Ms: 100 }],
    });
    r.fullSync!.ratio = 1.01;
    expect(verdict(r, "1. full sync")?.pass).toBe(false);
    expect(verdict(r, "4. engine peak RSS during full sync")?.pass).toBe(false);
    expect(verdict(r, "engine peak RSS during incremental")?.pass).toBe(false);
    expect(verdict(r, "console task status p95")?.pass).toBe(false);
  });

  it("judges the cluster against its own native replicas only, and reports CPU per 1M keys", () => {
    const cluster = { keys: 1_000_000, masters: 3, engine: [engineRun(5000, 100 * MiB, 6000)], native: [], engineMedianMs: 5000, nativeMedianMs: null, keysPerSec: 200_000, ratioToNative: null };
    expect(verdict(results({ cluster }), "2. full sync cluster")?.pass).toBeNull();
    const measured = { ...cluster, native: [{ ms: 4000, cpuMs: 3000, keys: 1_000_000 }], nativeMedianMs: 4000, ratioToNative: 1.25 };
    expect(verdict(results({ cluster: measured }), "2. full sync cluster")?.pass).toBe(false);
    const table = formatTable(results({ cluster: measured }));
    expect(table).toMatch(/CPU s per 1M keys, standalone .*\| 4\.00 s +\| 2\.00 s +\| 2\.00×/);
    expect(table).toMatch(/CPU s per 1M keys, cluster .*\| 6\.00 s +\| 3\.00 s +\| 2\.00×/);
  });

  it("reports the source's CPU and the machine's busy share under the full sync, engine runs beside native ones", () => {
    const r = results();
    r.fullSync!.engine[0].budget = { sourceMainMs: 400, sourceChildMs: 3300, machineBusyMs: 10_800, wallMs: 6000, cores: 2 };
    r.fullSync!.native[0].budget = { sourceMainMs: 500, sourceChildMs: 3200, machineBusyMs: 6_900, wallMs: 5300, cores: 2 };
    const table = formatTable(r);
    expect(table).toMatch(/CPU of the source: fork child .*\| 3\.30 s \+ 0\.40 s +\| 3\.20 s \+ 0\.50 s/);
    expect(table).toMatch(/CPU the whole machine used .*\| 10\.80 s \(180% of 200%\) +\| 6\.90 s \(130% of 200%\)/);
    // no figures (an older results file): no rows
    expect(formatTable(results())).not.toMatch(/CPU of the source/);
  });

  it("fails the big value when any run is over the value + 150 MiB or its copy differs", () => {
    const run = (peakRssBytes: number, equal = true): BigValueRun => ({ ms: 3000, peakRssBytes, cpuMs: 1, equal });
    const section = (runs: BigValueRun[]) => ({
      valueBytes: 256 * MiB,
      smallKeys: 1000,
      engine: runs,
      nativeMs: 2000,
      engineMedianMs: 3000,
      minPeakRssBytes: Math.min(...runs.map((e) => e.peakRssBytes)),
      maxPeakRssBytes: Math.max(...runs.map((e) => e.peakRssBytes)),
    });
    const name = "big value: engine peak RSS";
    expect(verdict(results({ bigValue: section([run(300 * MiB), run(406 * MiB)]) }), name)).toMatchObject({ target: "≤ 406 MB every run (value + 150 MB), value equal", pass: true });
    expect(verdict(results({ bigValue: section([run(300 * MiB), run(406 * MiB + 1), run(300 * MiB)]) }), name)?.pass).toBe(false);
    expect(verdict(results({ bigValue: section([run(300 * MiB, false)]) }), name)?.pass).toBe(false);
  });
});
