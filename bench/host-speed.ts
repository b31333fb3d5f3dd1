import { spawnSync } from "node:child_process";

/**
 * How fast this host runs one core now: the time a fixed loop takes in a fresh node process (no JIT
 * state of ours). The machines here are shared: the same loop took 1.4 s at one hour and 4.3 s at
 * another, and identical full syncs 5.9-7.7 s. Recorded at the start and the end of a run, it tells
 * whether two results files can be compared, and whether the host changed speed during one.
 */

const LOOP = "let s = 0; for (let i = 0; i < 3e8; i++) s += i; if (s < 0) console.log(s);";

export function cpuLoopMs(): number | null {
  const r = spawnSync(process.execPath, ["-e", `const t = process.hrtime.bigint(); ${LOOP} process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`], { encoding: "utf8", timeout: 60_000 });
  const ms = Number(r.stdout);
  return r.status === 0 && Number.isFinite(ms) && ms > 0 ? Math.round(ms) : null;
}

/** A line for the report: both loops, and a warning when the host's speed changed by a quarter or more. */
export function hostSpeedLine(atStart: number | null | undefined, atEnd: number | null | undefined): string {
  if (atStart == null) return "host speed: not measured";
  const head = `host speed: a fixed CPU loop took ${atStart} ms at the start${atEnd != null ? `, ${atEnd} ms at the end` : ""} (lower is faster)`;
  if (atEnd == null) return head;
  const change = Math.max(atStart, atEnd) / Math.min(atStart, atEnd);
  return change >= 1.25 ? `${head}: WARNING the host's speed changed ${change.toFixed(2)}x during the run; its absolute figures are not comparable with another run's` : head;
}
