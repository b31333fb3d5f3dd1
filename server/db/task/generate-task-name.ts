import { randomBytes } from "node:crypto";

/**
 * The name a new task gets before the operator picks one, in the spirit of the reference console:
 * informative enough to tell tasks apart, not necessarily unique.
 */
export function generateTaskName(now: Date = new Date()): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, "");
  const suffix = randomBytes(3).toString("hex");
  return `redis-sync-${day}-${suffix}`;
}
