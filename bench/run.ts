// `npm run bench [-- --quick]`: the engine against native Redis replication on this machine, in one run.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describeError } from "../server/errors";
import { stopAll } from "../server/testing/redis-harness";
import { ConsoleProbe } from "./console-probe";
import { parseOptions, type BenchContext } from "./context";
import { cpuLoopMs, hostSpeedLine } from "./host-speed";
import { bigValuePhase } from "./phase-big-value";
import { clusterPhase } from "./phase-cluster";
import { profilePhase } from "./phase-profile";
import { scalePhase } from "./phase-scale";
import { standalonePhase } from "./phase-standalone";
import { formatTable, targetsOf } from "./report";
import type { BenchResults } from "./results.types";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const began = Date.now();
const log = (message: string) => process.stderr.write(`[bench +${((Date.now() - began) / 1000).toFixed(1)}s] ${message}\n`);
const text = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: "utf8", cwd: root }).stdout?.trim() ?? "";

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2));
  const date = new Date().toISOString();
  const results: BenchResults = {
    date,
    quick: o.quick,
    machine: {
      cpus: os.cpus().length,
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      redis: /v=(\S+)/.exec(text("redis-server", ["--version"]))?.[1] ?? "unknown",
      commit: text("git", ["rev-parse", "--short", "HEAD"]),
      loadAverageAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
      loadAverageAtEnd: null,
      cpuLoopMsAtStart: cpuLoopMs(),
      cpuLoopMsAtEnd: null,
    },
    options: { keys: o.keys, reps: o.reps, seed: o.seed, incrementalRequests: o.incrementalRequests, catchUpCommands: o.catchUpCommands, scaleKeys: o.scaleKeys, bigValueBytes: o.bigValueBytes, precheck: o.precheck },
    dataset: null,
    fullSync: null,
    cluster: null,
    incremental: null,
    memory: { fullSyncPeakRssBytes: null, incrementalPeakRssBytes: null },
    console: [],
    scale: null,
    bigValue: null,
    profile: null,
    errors: [],
  };
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-bench-"));
  let seq = 0;
  const ctx: BenchContext = {
    o,
    results,
    dataDir,
    console: null,
    log,
    task: (what) => `bench-${what}-${++seq}`,
    error(phase, err) {
      const message = err instanceof Error ? err.message : describeError(err);
      results.errors.push({ phase, message });
      log(`ERROR in ${phase}: ${message}`);
    },
  };
  const stopping = () => {
    log("interrupted: stopping servers");
    void ctx.console?.stop().finally(() => stopAll().finally(() => process.exit(130)));
  };
  process.once("SIGINT", stopping);
  try {
    // The launcher rebuilds its bundle after a source change (about a second, once); that must not
    // land in the first timed run.
    const warm = spawnSync(path.join(root, "bin/redis-dts"), ["--help"], { cwd: root, encoding: "utf8", timeout: 120_000 });
    if (warm.status !== 0) log(`bin/redis-dts --help exited ${warm.status}: ${(warm.stderr || warm.stdout).trim().slice(-400)}`);
    if (o.console) {
      const probe = new ConsoleProbe(dataDir, process.env);
      log("starting the console for the status probe");
      if (await probe.start({ allowBuild: !o.quick, readyTimeoutMs: o.quick ? 30_000 : 600_000 })) log("console ready");
      else log(`console probe not available: ${probe.failure}`);
      ctx.console = probe;
    }
    const phase = async (name: string, fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (err) {
        ctx.error(name, err);
      }
    };
    await phase("standalone", () => standalonePhase(ctx));
    await ctx.console?.stop();
    ctx.console = null;
    if (o.bigValueBytes) await phase("big value", () => bigValuePhase(ctx, o.bigValueBytes!));
    if (o.cluster) await phase("cluster", () => clusterPhase(ctx));
    if (o.scaleKeys) await phase("scale", () => scalePhase(ctx, o.scaleKeys!));
    const missed = targetsOf(results).filter((t) => t.pass === false && !t.name.startsWith("console"));
    const engineMissed = missed.filter((t) => !/console/.test(t.name));
    if (o.profile === "always" || (o.profile === "auto" && engineMissed.length)) {
      await phase("profile", () => profilePhase(ctx, o.profile === "always" ? "--profile always" : `missed: ${engineMissed.map((t) => t.name).join("; ")}`));
    }
  } finally {
    await ctx.console?.stop();
    await stopAll();
    rmSync(dataDir, { recursive: true, force: true });
  }

  results.machine.loadAverageAtEnd = os.loadavg().map((v) => Math.round(v * 100) / 100);
  results.machine.cpuLoopMsAtEnd = cpuLoopMs();
  results.targets = targetsOf(results);
  results.table = formatTable(results);
  const file = o.out ?? path.join(root, "bench/results", `${date.slice(0, 19).replace(/:/g, "-")}${o.quick ? "-quick" : ""}.json`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(results, null, 2) + "\n");

  const out = process.stdout;
  out.write(`\nredis-dts benchmark ${date} (${o.quick ? "quick" : "full"}; ${results.machine.cpus} cores, ${results.machine.memoryGb} GB, node ${results.machine.node}, redis ${results.machine.redis}, commit ${results.machine.commit})\n\n`);
  out.write(results.table + "\n");
  const noConsole = results.console.find((p) => !p.available);
  if (noConsole && !results.console.some((p) => p.available)) out.write(`\nconsole probe not available: ${noConsole.reason}\n`);
  out.write(`load average (1/5/15 min) at start ${results.machine.loadAverageAtStart.join(" ")}, at end ${results.machine.loadAverageAtEnd.join(" ")} (other work on these ${results.machine.cpus} cores skews every figure)\n`);
  out.write(`${hostSpeedLine(results.machine.cpuLoopMsAtStart, results.machine.cpuLoopMsAtEnd)}\n`);
  // the main thread of each profiled run (the other profiles are tsx's module-loader thread)
  for (const p of results.profile?.profiles.filter((x) => /\.0\.\d+\.cpuprofile$/.test(x.file)) ?? []) {
    out.write(`\nCPU profile ${p.file}: ${p.busyMs} ms busy; top self time:\n`);
    for (const t of p.top.slice(0, 15)) out.write(`  ${String(t.ms).padStart(7)} ms ${String(t.percent).padStart(5)}%  ${t.fn}  ${t.where}\n`);
  }
  if (results.errors.length) {
    out.write(`\n${results.errors.length} error(s):\n`);
    for (const e of results.errors) out.write(`  - ${e.phase}: ${e.message.slice(0, 2000)}\n`);
  }
  out.write(`\nresults: ${path.relative(root, file)} (${((Date.now() - began) / 1000).toFixed(0)} s)\n`);
  return results.errors.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  async (err) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`);
    await stopAll();
    process.exit(2);
  },
);
