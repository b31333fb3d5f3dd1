import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readJsonLines } from "../runner/child-process";
import type { WorkerEvent } from "../runner/worker/run-worker";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * `redis-dts worker --json` as a child process: tests read its events (claimed, released, lost,
 * stopped-writing…), kill it with -9 or stop it with SIGTERM.
 */
export class WorkerProcess {
  private proc: ChildProcess;
  events: WorkerEvent[] = [];
  stderr = "";
  exitCode: number | null = null;

  constructor(
    readonly name: string,
    o: { databaseUrl: string; dataDir: string; maxShards?: number; env?: Record<string, string> },
  ) {
    this.proc = spawn(path.join(root, "bin/redis-dts"), ["worker", "--json", "--name", name, "--max-shards", String(o.maxShards ?? 3)], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: o.databaseUrl, REDIS_DTS_DATA_DIR: o.dataDir, ...o.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    readJsonLines(this.proc.stdout!, (e) => this.events.push(e as WorkerEvent), (line) => (this.stderr += `(stdout) ${line}\n`));
    this.proc.stderr!.on("data", (d: Buffer) => (this.stderr += d.toString()));
    this.proc.on("exit", (code) => (this.exitCode = code));
  }

  get pid(): number {
    return this.proc.pid!;
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** events of one kind, oldest first */
  of(kind: WorkerEvent["event"]): WorkerEvent[] {
    return this.events.filter((e) => e.event === kind);
  }

  kill9(): Promise<void> {
    return this.signal("SIGKILL").then(() => {});
  }

  /** SIGTERM; resolves with the exit code */
  stop(): Promise<number | null> {
    return this.signal("SIGTERM");
  }

  private signal(sig: NodeJS.Signals): Promise<number | null> {
    const proc = this.proc;
    if (!this.running) return Promise.resolve(proc.exitCode);
    return new Promise((resolve) => {
      proc.once("close", (code) => resolve(code));
      proc.kill(sig);
    });
  }
}
