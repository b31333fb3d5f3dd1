import { readFileSync } from "node:fs";
import path from "node:path";

/** VmRSS of a process in bytes, or null once it is gone. */
export function rssOf(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * VmHWM: the kernel's own peak resident set size of the process since it started, in bytes. A 100 ms
 * sampler misses a short spike (a big value's buffers live for a few ms); this does not.
 */
export function rssHighWaterOf(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** ms per tick of /proc's CPU times (USER_HZ is 100 on Linux) */
export const TICK_MS = 10;

/**
 * CPU time (user + system) in ms that a process has used so far (`selfMs`), and that its children
 * used once reaped (`childrenMs`: a fork's time reaches its parent when the parent waits for it), or
 * null once the process is gone.
 */
export function cpuTimesOf(pid: number): { selfMs: number; childrenMs: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // fields after the parenthesized command name, which may itself hold spaces
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { selfMs: (Number(rest[11]) + Number(rest[12])) * TICK_MS, childrenMs: (Number(rest[13]) + Number(rest[14])) * TICK_MS };
  } catch {
    return null;
  }
}

/** CPU time (user + system) a process has used so far in ms, or null once it is gone. */
export function cpuMsOf(pid: number): number | null {
  return cpuTimesOf(pid)?.selfMs ?? null;
}

/** The pid of a redis-server the test harness started in `node.dir`. */
export function redisPidOf(node: { dir: string }): number {
  return Number(readFileSync(path.join(node.dir, "redis.pid"), "utf8"));
}

/**
 * Samples a process's resident memory every `intervalMs` (100 ms by default) and keeps the peak,
 * overall and inside named windows (e.g. "full sync", "incremental").
 */
export class RssSampler {
  peak = 0;
  samples = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly windows = new Map<string, number>();
  private open = new Set<string>();

  constructor(private readonly pid: number, private readonly intervalMs = 100) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  /** CPU ms the process had used at the last sample (it survives the process's exit) */
  cpuMs = 0;

  sample(): void {
    const rss = rssOf(this.pid);
    if (rss === null) return;
    this.cpuMs = cpuMsOf(this.pid) ?? this.cpuMs;
    this.samples++;
    if (rss > this.peak) this.peak = rss;
    for (const name of this.open) if (rss > (this.windows.get(name) ?? 0)) this.windows.set(name, rss);
  }

  beginWindow(name: string): void {
    this.open.add(name);
    this.sample();
  }

  endWindow(name: string): number {
    this.sample();
    this.open.delete(name);
    return this.windows.get(name) ?? 0;
  }

  windowPeak(name: string): number {
    return this.windows.get(name) ?? 0;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
