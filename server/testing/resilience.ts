import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { Redis } from "ioredis";
import { waitFor } from "./redis-harness";

/**
 * Helpers of the resilience tests: a writer that pushes consecutive numbers to a list (so a lost, a
 * duplicated or a reordered element shows in the list itself), and the task's events as the sync
 * process stored them.
 */

/** RPUSHes 0, 1, 2… to `key` one at a time until stopped: every element appears exactly once, in order. */
export class ListFeeder {
  pushed = 0;
  private running = true;
  private readonly done: Promise<void>;

  constructor(private readonly client: Redis, readonly key: string, opts: { pauseMs?: number; batch?: number } = {}) {
    this.done = (async () => {
      while (this.running) {
        const n = opts.batch ?? 1;
        const values = Array.from({ length: n }, (_, i) => String(this.pushed + i));
        await client.rpush(key, ...values);
        this.pushed += n;
        if (opts.pauseMs) await new Promise((r) => setTimeout(r, opts.pauseMs));
      }
    })();
  }

  /** stops after the RPUSH in flight; resolves with the number of elements pushed */
  async stop(): Promise<number> {
    this.running = false;
    await this.done;
    return this.pushed;
  }
}

/** Pushes `count` consecutive numbers starting at `from` in pipelines of `batch` RPUSHes. */
export async function pushRange(client: Redis, key: string, from: number, count: number, batch = 1000): Promise<void> {
  for (let i = from; i < from + count; i += batch) {
    const p = client.pipeline();
    for (let j = i; j < Math.min(from + count, i + batch); j++) p.rpush(key, String(j));
    await p.exec();
  }
}

export interface ListAudit {
  length: number;
  /** elements present more than once (each extra copy counted) */
  duplicated: number[];
  /** of 0..expected-1, the ones absent (the first 10) */
  missing: number[];
  /** once duplicates are removed, the elements are 0..n-1 in order */
  ordered: boolean;
}

/** What the list `key` holds compared with 0..expected-1 as a ListFeeder wrote it. */
export async function auditList(client: Redis, key: string, expected: number): Promise<ListAudit> {
  const values = (await client.lrange(key, 0, -1)).map(Number);
  const seen = new Set<number>();
  const duplicated = values.filter((v) => (seen.has(v) ? true : (seen.add(v), false)));
  const missing: number[] = [];
  for (let i = 0; i < expected && missing.length < 10; i++) if (!seen.has(i)) missing.push(i);
  let next = 0;
  let ordered = true;
  for (const v of values) {
    if (v === next) next++;
    else if (v >= next) ordered = false;
  }
  return { length: values.length, duplicated, missing, ordered: ordered && next === seen.size };
}

/** Where `key` on the destination departs from 0..expected-1 (null when it is exactly that). */
export async function listDefect(client: Redis, key: string, expected: number): Promise<string | null> {
  const a = await auditList(client, key, expected);
  if (a.length === expected && a.duplicated.length === 0 && a.missing.length === 0 && a.ordered) return null;
  return `${key}: ${a.length} elements for ${expected}; duplicated ${JSON.stringify(a.duplicated.slice(0, 10))}, missing ${JSON.stringify(a.missing)}${a.ordered ? "" : ", out of order"}`;
}

export interface StoredEvent {
  level: string;
  message: string;
}

/** The events a task stored in the sync process's SQLite database, oldest first. */
export function storedEvents(dataDir: string, taskName: string): StoredEvent[] {
  const db = new Database(path.join(dataDir, "redis-dts.db"), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(`SELECT e.level AS level, e.message AS message FROM TaskEvent e JOIN Task t ON t.id = e.taskId WHERE t.name = ? ORDER BY e.id`)
      .all(taskName) as StoredEvent[];
  } finally {
    db.close();
  }
}

/** The checkpoints a task has stored (the engine writes them about once a second). */
export function storedCheckpoints(dataDir: string, taskName: string): Array<{ sourceNode: string; offset: number; phase: string }> {
  const file = path.join(dataDir, "redis-dts.db");
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(`SELECT c.sourceNode AS sourceNode, c.offset AS offset, c.phase AS phase FROM Checkpoint c JOIN Task t ON t.id = c.taskId WHERE t.name = ?`)
      .all(taskName) as Array<{ sourceNode: string; offset: number | bigint; phase: string }>;
    return rows.map((r) => ({ ...r, offset: Number(r.offset) }));
  } finally {
    db.close();
  }
}

/** Waits until every listed shard has an incremental checkpoint at or past its offset (a kill after that resumes with PSYNC). */
export async function waitCheckpointed(dataDir: string, taskName: string, minOffsets: number[], timeoutMs = 30_000): Promise<void> {
  await waitFor(
    () => {
      const cps = storedCheckpoints(dataDir, taskName).filter((c) => c.phase === "incremental");
      return cps.length >= minOffsets.length && minOffsets.every((o) => cps.some((c) => c.offset >= o));
    },
    timeoutMs,
    `an incremental checkpoint of task ${taskName} at offsets ${minOffsets.join(",")}`,
    100,
  );
}

/** Peak resident memory of a process (VmHWM), in bytes, or null when it is gone. */
export function peakRss(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}
