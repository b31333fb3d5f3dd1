import { readFileSync } from "node:fs";
import type { Deployment } from "./deployment";
import { TICK_MS, cpuTimesOf, redisPidOf } from "./rss-sampler";

/**
 * Where a full sync's CPU went, for the engine's run and the native replica's alike: the source's
 * main process (it forwards a diskless RDB from its fork child to the socket) and its fork child (which
 * writes the RDB), and the machine as a whole (every process, this benchmark's pollers included).
 *
 * A full sync on this machine is CPU-bound: when the machine was busy for nearly all of its cores
 * during the engine's run, only less CPU in the engine or its destination makes it faster, and the
 * source's share (the same for both) sets the floor. Counted from /proc: the child's CPU reaches its
 * parent's times once it is reaped, which `end()` waits for.
 */

export interface CpuBudget {
  /** the source's main redis-server process(es) */
  sourceMainMs: number;
  /** the source's fork children (the RDB), reaped by the end */
  sourceChildMs: number;
  /** all cores, all processes: busy (not idle, not waiting for I/O) */
  machineBusyMs: number;
  wallMs: number;
  cores: number;
}

/** the source masters' own and reaped children's CPU, summed; null when one is gone */
function sourceTimes(pids: number[]): { selfMs: number; childrenMs: number } | null {
  const sum = { selfMs: 0, childrenMs: 0 };
  for (const pid of pids) {
    const t = cpuTimesOf(pid);
    if (!t) return null;
    sum.selfMs += t.selfMs;
    sum.childrenMs += t.childrenMs;
  }
  return sum;
}

/** busy ticks over every core since boot (the first line of /proc/stat sums them), and the cores */
function machineTicks(): { busy: number; cores: number } {
  const text = readFileSync("/proc/stat", "utf8");
  const v = text.split("\n", 1)[0].trim().split(/\s+/).slice(1).map(Number);
  // idle and iowait are not busy
  const busy = v.reduce((a, b) => a + b, 0) - v[3] - (v[4] ?? 0);
  return { busy, cores: text.split("\n").filter((l) => /^cpu\d+ /.test(l)).length };
}

function hasChildren(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim() !== "";
  } catch {
    return false;
  }
}

/**
 * Starts counting; `end()` at the finish line reads the machine at once and the source once its fork
 * children are gone (up to `childWaitMs`: a child still writing is counted as far as it got). Null when
 * /proc cannot be read (not Linux): the report then shows no figure.
 */
export function startCpuBudget(source: Deployment, childWaitMs = 5_000): { end(): Promise<CpuBudget | null> } | null {
  let pids: number[];
  let m0: ReturnType<typeof machineTicks>;
  try {
    pids = source.masters.map(redisPidOf);
    m0 = machineTicks();
  } catch {
    return null;
  }
  const src0 = sourceTimes(pids);
  if (!src0) return null;
  const began = performance.now();
  return {
    async end() {
      const wallMs = Math.round(performance.now() - began);
      const m1 = machineTicks();
      const until = Date.now() + childWaitMs;
      while (pids.some(hasChildren) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      const src1 = sourceTimes(pids);
      if (!src1) return null;
      return {
        sourceMainMs: src1.selfMs - src0.selfMs,
        sourceChildMs: src1.childrenMs - src0.childrenMs,
        machineBusyMs: (m1.busy - m0.busy) * TICK_MS,
        wallMs,
        cores: m1.cores,
      };
    },
  };
}
