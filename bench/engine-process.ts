import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { SyncStatusLine } from "../server/testing/sync-process";
import { launcherCommand, readJsonLines } from "../server/runner/child-process";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface TimedLine extends SyncStatusLine {
  /** Date.now() when the line arrived */
  at: number;
}

export interface EngineProcessOptions {
  task: string;
  source: string;
  target: string;
  sourceMode?: "standalone" | "cluster";
  targetMode?: "standalone" | "cluster";
  dataDir: string;
  /** run the CLI's precheck first (issue 15 times a full sync "precheck included"); default: skipped */
  precheck?: boolean;
  /** a folder for `node --cpu-prof` profiles (written when the process exits cleanly) */
  cpuProfDir?: string;
}

/**
 * `redis-dts sync --json [--skip-precheck]` as a child process: its pid (for RSS sampling), every
 * status line with its arrival time, stderr, and a clean stop (SIGTERM, then SIGKILL).
 */
export class EngineProcess {
  readonly lines: TimedLine[] = [];
  stderr = "";
  startedAt = 0;
  exitCode: number | null = null;
  exitSignal: string | null = null;
  private proc: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private listeners = new Set<(line: TimedLine) => void>();

  constructor(readonly o: EngineProcessOptions) {}

  get pid(): number {
    return this.proc?.pid ?? -1;
  }

  get running(): boolean {
    return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  get last(): TimedLine | undefined {
    return this.lines[this.lines.length - 1];
  }

  start(): this {
    const args = ["sync", "--json", ...(this.o.precheck ? [] : ["--skip-precheck"]), "--task", this.o.task, "--source", this.o.source, "--target", this.o.target];
    if (this.o.sourceMode) args.push("--source-mode", this.o.sourceMode);
    if (this.o.targetMode) args.push("--target-mode", this.o.targetMode);
    const env: NodeJS.ProcessEnv = { ...process.env, REDIS_DTS_DATA_DIR: this.o.dataDir, REDIS_DTS_SECRET: "bench-secret-0123456789abcdef0123456789" };
    delete env.DATABASE_URL;
    // --cpu-prof is refused in NODE_OPTIONS: run the launcher through node with the flags of its shebang
    const bin = path.join(root, "bin/redis-dts");
    const [cmd, argv] = this.o.cpuProfDir
      ? [process.execPath, [...launcherCommand(bin).flags, "--cpu-prof", `--cpu-prof-dir=${this.o.cpuProfDir}`, bin, ...args]]
      : [bin, args];
    this.startedAt = Date.now();
    const proc = spawn(cmd, argv, { cwd: root, env: { ...env, ...launcherCommand(bin).env }, stdio: ["ignore", "pipe", "pipe"] });
    this.proc = proc;
    readJsonLines(
      proc.stdout!,
      (value) => {
        const line = { ...(value as object), at: Date.now() } as TimedLine;
        this.lines.push(line);
        for (const l of this.listeners) l(line);
      },
      (text) => (this.stderr += `(stdout) ${text}\n`),
    );
    proc.stderr!.on("data", (d: Buffer) => {
      // keep the head (first errors) and the tail; a long run must not grow this without bound
      this.stderr += d.toString();
      if (this.stderr.length > 200_000) this.stderr = this.stderr.slice(0, 50_000) + "\n…\n" + this.stderr.slice(-100_000);
    });
    this.exited = new Promise((resolve) => {
      proc.once("close", (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        resolve();
      });
      proc.once("error", (err) => {
        this.stderr += `spawn failed: ${err.message}\n`;
        resolve();
      });
    });
    return this;
  }

  onLine(listener: (line: TimedLine) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A one-sentence account of why the process is not doing what was asked (for reports). */
  describe(): string {
    const exit = this.running ? "still running" : `exited with ${this.exitSignal ?? `code ${this.exitCode}`}`;
    const last = this.last ? JSON.stringify({ ...this.last, at: undefined }) : "no status line";
    return `${exit}; last status: ${last}; stderr: ${this.stderr.trim().slice(-1500) || "(empty)"}`;
  }

  /** SIGTERM (the CLI stops after a final checkpoint and writes its CPU profile); SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.running) return this.exited;
    this.proc!.kill("SIGTERM");
    const timer = setTimeout(() => this.proc?.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  async kill(): Promise<void> {
    if (this.running) this.proc!.kill("SIGKILL");
    await this.exited;
  }
}
