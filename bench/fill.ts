import { spawn, type ChildProcess } from "node:child_process";
import calculateSlot from "cluster-key-slot";
import { encodedLength, writeCommand } from "../server/engine/resp/encoder";
import { datasetKeys, type DatasetOptions } from "./dataset";

/**
 * Fills servers with the reference dataset the fastest way Redis offers: RESP generated here and
 * piped through `redis-cli --pipe` (one per master; on a cluster every key goes to the master that
 * owns its slot).
 */

export interface FillTarget {
  host: string;
  port: number;
  password?: string;
  /** cluster masters only: the slot ranges this node serves */
  slots?: Array<[number, number]>;
}

export interface FillResult {
  keys: number;
  commands: number;
  bytes: number;
  ms: number;
}

const CHUNK = 4 * 1024 * 1024;

class PipeSink {
  private readonly proc: ChildProcess;
  private buf = Buffer.allocUnsafe(CHUNK);
  private used = 0;
  private out = "";
  private readonly exited: Promise<number | null>;
  commands = 0;
  bytes = 0;

  constructor(readonly target: FillTarget) {
    const args = ["-h", target.host, "-p", String(target.port), "--pipe"];
    if (target.password) args.push("-a", target.password, "--no-auth-warning");
    this.proc = spawn("redis-cli", args, { stdio: ["pipe", "pipe", "pipe"] });
    this.proc.stdout!.on("data", (d: Buffer) => (this.out += d.toString()));
    this.proc.stderr!.on("data", (d: Buffer) => (this.out += d.toString()));
    this.exited = new Promise((resolve, reject) => {
      this.proc.once("error", reject);
      // "close", not "exit": exit can come before the last of the summary line is read
      this.proc.once("close", (code) => resolve(code));
    });
  }

  /** Appends one command; resolves at once unless the pipe asks to wait. */
  push(argv: Parameters<typeof writeCommand>[0]): Promise<void> | null {
    const size = encodedLength(argv);
    let wait: Promise<void> | null = null;
    if (this.used + size > this.buf.length) wait = this.flush();
    if (size > this.buf.length) this.buf = Buffer.allocUnsafe(size);
    this.used = writeCommand(argv, this.buf, this.used);
    this.commands++;
    this.bytes += size;
    return wait;
  }

  flush(): Promise<void> | null {
    if (this.used === 0) return null;
    const chunk = this.buf.subarray(0, this.used);
    this.buf = Buffer.allocUnsafe(CHUNK);
    this.used = 0;
    if (this.proc.stdin!.write(chunk)) return null;
    return new Promise((resolve) => this.proc.stdin!.once("drain", () => resolve()));
  }

  async end(): Promise<void> {
    await this.flush();
    this.proc.stdin!.end();
    const code = await this.exited;
    const m = /errors:\s*(\d+),\s*replies:\s*(\d+)/.exec(this.out);
    if (code !== 0 || !m || m[1] !== "0" || Number(m[2]) !== this.commands) {
      throw new Error(`redis-cli --pipe into ${this.target.host}:${this.target.port} failed (exit ${code}, ${this.commands} commands sent): ${this.out.trim().slice(-500)}`);
    }
  }
}

/** Fills one server (no `slots`) or the masters of a cluster (each with its `slots`). */
export async function fillDataset(targets: FillTarget[], o: DatasetOptions): Promise<FillResult> {
  const began = Date.now();
  const sinks = targets.map((t) => new PipeSink(t));
  let route: (key: string) => PipeSink = () => sinks[0];
  if (targets.length > 1 || targets[0].slots) {
    const bySlot = new Int16Array(16384).fill(-1);
    targets.forEach((t, i) => {
      for (const [from, to] of t.slots ?? []) for (let s = from; s <= to; s++) bySlot[s] = i;
    });
    const missing = bySlot.indexOf(-1);
    if (missing !== -1) throw new Error(`fill: slot ${missing} is served by none of the given masters`);
    route = (key) => sinks[bySlot[calculateSlot(key)]];
  }
  let keys = 0;
  for (const k of datasetKeys(o)) {
    const sink = route(k.key);
    for (const argv of k.commands) {
      const wait = sink.push(argv);
      if (wait) await wait;
    }
    keys++;
  }
  await Promise.all(sinks.map((s) => s.end()));
  return {
    keys,
    commands: sinks.reduce((n, s) => n + s.commands, 0),
    bytes: sinks.reduce((n, s) => n + s.bytes, 0),
    ms: Date.now() - began,
  };
}
