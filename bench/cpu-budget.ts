import { readFileSync } from "node:fs";
import path from "node:path";
import type { Deployment } from "./deployment";

/**
 * Where a full sync's CPU went, for the engine's run and the native replica's alike: the source's
 * main process (it forwards a diskless RDB from its fork child to the socket) and its fork child (which
 * writes the RDB), and the machine as a whole (every process, this benchmark's pollers included).
 *
 * A full sync on this machine is CPU-bound: when the machine was busy for nearly all of its cores
 * during the engine's run, only less CPU in the engine or its destination makes it faster, and the
 * source's share (the same for both) sets the floor. Counted from /proc: the child's CPU reaches its
 * parent's cutime/cstime once it is reaped, which `end()` waits for.
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

const TICK_MS = 10; // USER_HZ

interface SourceTicks {
  main: number;
  children: number;
}

function sourceTicks(pids: number[]): SourceTicks | null {
  let main = 0;
  let children = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      main += Number(f[11]) + Number(f[12]);
      children += Number(f[13]) + Number(f[14]);
    } catch {
      return null;
    }
  }
  return { main, children };
}

/** [busy, all] ticks summed over every core since boot */
function machineTicks(): { busy: number; all: number; cores: number } {
  const text = readFileSync("/proc/stat", "utf8");
  const v = text.split("\n", 1)[0].trim().split(/\s+/).slice(1).map(Number);
  const all = v.reduce((a, b) => a + b, 0);
  const cores = text.split("\n").filter((l) => /^cpu\d+ /.test(l)).length;
  // idle and iowait are not busy
  return { busy: all - v[3] - (v[4] ?? 0), all, cores };
}

function hasChildren(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim() !== "";
  } catch {
    return false;
  }
}

export function sourcePids(source: Deployment): number[] {
  return source.masters.map((m) => Number(readFileSync(path.join(m.dir, "redis.pid"), "utf8")));
}

/**
 * Starts counting; `end()` at the finish line reads the machine at once and the source once its fork
 * children are gone (up to `childWaitMs`: a child still writing is counted as far as it got). Null when
 * /proc cannot be read (not Linux).
 */
export function startCpuBudget(source: Deployment, childWaitMs = 5_000): { end(): Promise<CpuBudget | null> } | null {
  let pids: number[];
  let src0: SourceTicks | null;
  let m0: ReturnType<typeof machineTicks>;
  try {
    pids = sourcePids(source);
    src0 = sourceTicks(pids);
    m0 = machineTicks();
  } catch {
    return null;
  }
  if (!src0) return null;
  const began = performance.now();
  return {
    async end() {
      const wallMs = performance.now() - began;
      const m1 = machineTicks();
      const until = Date.now() + childWaitMs;
      while (pids.some(hasChildren) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      const src1 = sourceTicks(pids);
      if (!src1) return null;
      // the machine's ticks are per core: the share of all cores, scaled to their number
      const machineBusyMs = ((m1.busy - m0.busy) / Math.max(1, m1.all - m0.all)) * wallMs * m1.cores;
      return {
        sourceMainMs: (src1.main - src0!.main) * TICK_MS,
        sourceChildMs: (src1.children - src0!.children) * TICK_MS,
        machineBusyMs: Math.round(machineBusyMs),
        wallMs: Math.round(wallMs),
        cores: m1.cores,
      };
    },
  };
}
