/**
 * The name a new task gets before the operator picks one, in the spirit of the reference console:
 * informative enough to tell tasks apart, not necessarily unique. Runs in the browser too (the
 * Create Task dialog pre-fills it).
 */
export function generateTaskName(now: Date = new Date()): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, "");
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(3));
  const suffix = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `redis-sync-${day}-${suffix}`;
}
