import { readFileSync } from "node:fs";
import os from "node:os";

/**
 * Who holds a task's lease, written as `host:pid:startedMs[:ticks@boot]`. The last part is the
 * process's start time in clock ticks since boot and the kernel's boot id (from /proc): a pid alone
 * does not name a process, since the kernel hands it out again once its first owner is gone, and a
 * killed process stays visible to `kill(pid, 0)` as a zombie until its parent reaps it.
 */
export interface LeaseHolder {
  host: string;
  pid: number;
  /** `ticks@boot`, absent in leases written before it was recorded */
  start: string | null;
}

export function parseLeaseHolder(text: string): LeaseHolder | null {
  const [host, pid, , start] = text.split(":");
  if (!host || !/^\d+$/.test(pid ?? "")) return null;
  return { host, pid: Number(pid), start: start ?? null };
}

/** "process 1234 on host", or the text itself when it is not one of ours */
export function describeLeaseHolder(text: string): string {
  const h = parseLeaseHolder(text);
  return h ? `process ${h.pid} on ${h.host}` : text;
}

/** The lease owner string of this process. */
export function ownLeaseHolder(): string {
  const start = processStart(process.pid);
  return `${os.hostname()}:${process.pid}:${Date.now()}${start ? `:${start.ticks}@${start.boot}` : ""}`;
}

/**
 * True when the holder is a process of this machine that no longer runs: no such pid, a zombie
 * (killed, not yet reaped) or a pid now used by another process (its start time differs). False when
 * it may be running, or runs on another machine (only its lease's expiry can tell).
 */
export function leaseHolderIsGone(text: string): boolean {
  const holder = parseLeaseHolder(text);
  if (!holder || holder.host !== os.hostname()) return false;
  if (holder.pid === process.pid) return false;
  const proc = readStat(holder.pid);
  if (proc === "unreadable") return !pidExists(holder.pid);
  if (proc === "missing") return true;
  // Z: exited, waiting for its parent; X: being removed
  if (proc.state === "Z" || proc.state === "X") return true;
  if (holder.start) {
    const [ticks, boot] = holder.start.split("@");
    if (boot && boot !== bootId()) return true;
    if (ticks !== String(proc.ticks)) return true;
  }
  return false;
}

function processStart(pid: number): { ticks: number; boot: string } | null {
  const stat = readStat(pid);
  const boot = bootId();
  return typeof stat === "object" && boot ? { ticks: stat.ticks, boot } : null;
}

let cachedBootId: string | null | undefined;
function bootId(): string | null {
  if (cachedBootId === undefined) {
    try {
      cachedBootId = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim().replace(/-/g, "").slice(0, 12) || null;
    } catch {
      cachedBootId = null;
    }
  }
  return cachedBootId;
}

/** State letter and start time of a process from /proc/<pid>/stat (Linux). */
function readStat(pid: number): { state: string; ticks: number } | "missing" | "unreadable" {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // without /proc (another OS) nothing can be told from the file's absence
    if (code === "ENOENT" || code === "ESRCH") return existsProc() ? "missing" : "unreadable";
    return "unreadable";
  }
  // the command name (field 2) is in parentheses and may itself hold spaces and parentheses
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[19]);
  if (!fields[0] || !Number.isFinite(ticks)) return "unreadable";
  return { state: fields[0], ticks };
}

function existsProc(): boolean {
  try {
    readFileSync("/proc/self/stat");
    return true;
  } catch {
    return false;
  }
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "ESRCH";
  }
}
