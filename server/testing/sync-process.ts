import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startRedis, waitFor } from "./redis-harness";
import { readJsonLines } from "../runner/child-process";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface SyncStatusLine {
  state: string;
  fullSync: { keys: number; bytes: number; done: boolean };
  shards: Array<{ source: string; replid: string | null; offset: number | null; appliedOffset: number | null; waiting?: string }>;
  latencyMs: number | null;
  opsPerSec: number;
  warnings?: string[];
  divergence: {
    policy: string;
    refused: number;
    inexact: number;
    shards: Array<{ source: string; refused: number; inexact: number }>;
    recent: Array<{ kind: string; shard: string; db: number | null; command: string; keys: string[]; reason: string; phase: string }>;
    haltedBy?: string;
  };
  error?: string;
  pubsub?: { forwarded: number; dropped: number; link: string; problem: string | null; node: string | null };
  sourceReader?: string;
  limits?: { keysPerSec?: number | null; mbPerSec?: number | null; cmdsPerSec?: number | null };
  throttled?: string;
  keyFilter?: string;
}

/**
 * `redis-dts sync --json` as a child process, the way operators and the console run it: tests can
 * kill -9 it, start it again on the same data folder, and read its status lines.
 */
export class SyncProcess {
  private proc: ChildProcess | null = null;
  lines: SyncStatusLine[] = [];
  stderr = "";
  readonly dataDir: string;

  constructor(
    private readonly args: string[],
    dataDir?: string,
    /** extra environment, e.g. REDIS_DTS_SOURCE_PASSWORD */
    private readonly env: Record<string, string> = {},
  ) {
    this.dataDir = dataDir ?? mkdtempSync(path.join(os.tmpdir(), "redis-dts-sync-"));
  }

  start(): this {
    this.lines = [];
    const proc = spawn(path.join(root, "bin/redis-dts"), ["sync", "--json", ...this.args], {
      cwd: root,
      env: { ...process.env, REDIS_DTS_DATA_DIR: this.dataDir, DATABASE_URL: "", REDIS_DTS_SECRET: "test-secret-for-sync-tests-0123456789", ...this.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    readJsonLines(
      proc.stdout!,
      (line) => this.lines.push(line as SyncStatusLine),
      (line) => (this.stderr += `(stdout) ${line}\n`),
    );
    proc.stderr!.on("data", (d: Buffer) => (this.stderr += d.toString()));
    this.proc = proc;
    return this;
  }

  get last(): SyncStatusLine | undefined {
    return this.lines[this.lines.length - 1];
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get running(): boolean {
    return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async waitState(state: string, timeoutMs = 60_000): Promise<SyncStatusLine> {
    await waitFor(() => {
      if (!this.running && this.last?.state !== state) throw new Error(`sync exited (${this.proc?.exitCode}) before ${state}: ${this.stderr}\n${JSON.stringify(this.last)}`);
      return this.last?.state === state;
    }, timeoutMs, `sync state ${state}: ${this.stderr.slice(-2000)}`);
    return this.last!;
  }

  /** waits until every shard's applied offset reached `offsets` (source master_repl_offset values) */
  async waitApplied(offsets: number[], timeoutMs = 60_000): Promise<void> {
    await waitFor(() => {
      const shards = this.last?.shards ?? [];
      return offsets.every((o) => shards.some((s) => (s.appliedOffset ?? -1) >= o));
    }, timeoutMs, `applied offsets ${offsets.join(",")}: ${JSON.stringify(this.last)} ${this.stderr.slice(-1000)}`);
  }

  /** resolves with the exit code once the process has ended by itself (and its output is read) */
  exited(timeoutMs = 60_000): Promise<number | null> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(proc?.exitCode ?? null);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sync still running after ${timeoutMs} ms: ${this.stderr.slice(-1000)}`)), timeoutMs);
      proc.once("close", (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  /** SIGTERM: a clean stop after a final checkpoint */
  async stop(): Promise<number | null> {
    return this.signal("SIGTERM");
  }

  async kill(): Promise<void> {
    await this.signal("SIGKILL");
  }

  private signal(sig: NodeJS.Signals): Promise<number | null> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(proc?.exitCode ?? null);
    return new Promise((resolve) => {
      proc.once("close", (code) => resolve(code));
      proc.kill(sig);
    });
  }

  cleanup(): void {
    this.proc?.kill("SIGKILL");
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** The sync processes of a test file, stopped and cleaned after each test: `afterEach(pool.cleanup)`. */
export function syncProcessPool() {
  const procs: SyncProcess[] = [];
  return {
    start(args: string[], dataDir?: string, env?: Record<string, string>): SyncProcess {
      const p = new SyncProcess(args, dataDir, env);
      procs.push(p);
      return p.start();
    },
    async cleanup(): Promise<void> {
      for (const p of procs.splice(0)) {
        await p.stop();
        p.cleanup();
      }
    },
  };
}

/**
 * A standalone source and destination with their clients, and `sync` of one to the other (no precheck)
 * already synchronizing: the opening of every test that refuses a write on the destination. `args`
 * start the same task again (a resume).
 */
export async function startSyncedPair(pool: ReturnType<typeof syncProcessPool>, task: string) {
  const src = await startRedis();
  const dst = await startRedis();
  const args = ["--task", task, "--skip-precheck", "--source", src.uri, "--target", dst.uri];
  const first = pool.start(args);
  await first.waitState("synchronizing");
  return { src, dst, s: src.client(), d: dst.client(), args, first };
}
