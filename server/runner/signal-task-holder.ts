import os from "node:os";
import { describeLeaseHolder, leaseHolderIsGone, parseLeaseHolder } from "./lease-holder";

/**
 * `redis-dts stop` of a task that a `sync` or a console engine process of this machine runs (it holds
 * the task's lease): SIGTERM, which stops it after a final checkpoint with the task paused. Returns
 * who was asked, or null when no such process holds the task (workers notice the state themselves).
 */
export function signalLocalTaskHolder(task: { leaseOwner: string | null; leaseExpiresAt: Date | null }): string | null {
  if (!task.leaseOwner || !task.leaseExpiresAt || task.leaseExpiresAt.getTime() < Date.now()) return null;
  const holder = parseLeaseHolder(task.leaseOwner);
  if (!holder || holder.host !== os.hostname() || holder.pid === process.pid || leaseHolderIsGone(task.leaseOwner)) return null;
  try {
    process.kill(holder.pid, "SIGTERM");
    return describeLeaseHolder(task.leaseOwner);
  } catch {
    return null;
  }
}
