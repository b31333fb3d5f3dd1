import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { projectRoot } from "../paths";

/**
 * What every parent of a `redis-dts` process does the same way: the console's engine and
 * verification hosts, the tests' and the benchmark's sync processes. No `server-only`: tests and
 * bench/ use it too.
 */

/** Calls `onValue` with each JSON line of `stream`, `onOther` with a line that is not JSON. */
export function readJsonLines(stream: Readable, onValue: (value: unknown) => void, onOther: (line: string) => void = () => {}): void {
  let buf = "";
  stream.on("data", (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf("\n")) !== -1) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        onOther(line);
        continue;
      }
      onValue(value);
    }
  });
}

/** Keeps the last `max` characters of a stream (stderr, for the message when a process dies). */
export function keepTail(stream: Readable, max: number): { text(): string; lastLine(): string } {
  let tail = "";
  stream.on("data", (d: Buffer) => {
    tail = (tail + d.toString()).slice(-max);
  });
  return { text: () => tail, lastLine: () => tail.trim().split("\n").slice(-1)[0] ?? "" };
}

/**
 * The environment and node flags of `bin/redis-dts`'s shebang line (`env -S NAME=value… node flags…`),
 * the one place they are chosen (malloc tuning, module conditions, WebAssembly tier, young-generation
 * size), for whoever starts it through `node` instead.
 */
export function launcherCommand(bin = path.join(projectRoot(), "bin", "redis-dts")): { env: Record<string, string>; flags: string[] } {
  const first = readFileSync(bin, "utf8").split("\n", 1)[0];
  const m = /^#!\S*env -S\s+(.*)$/.exec(first);
  const words = m?.[1].trim().split(/\s+/) ?? [];
  const node = words.indexOf("node");
  if (node === -1) throw new Error(`${bin}: its first line names no node command (${first})`);
  const env: Record<string, string> = {};
  for (const w of words.slice(0, node)) {
    const eq = w.indexOf("=");
    if (eq <= 0) throw new Error(`${bin}: "${w}" before node is not NAME=value`);
    env[w.slice(0, eq)] = w.slice(eq + 1);
  }
  return { env, flags: words.slice(node + 1) };
}

/**
 * Starts `bin/redis-dts` from the checkout with the flags of its shebang (the console cannot rely on
 * the shebang: it runs it through this Node). stderr is piped; stdout only when asked; an IPC channel
 * lets the parent ask for a clean stop.
 */
export function spawnRedisDts(args: string[], opts: { stdout: "pipe" | "ignore" }): ChildProcess {
  const bin = path.join(projectRoot(), "bin", "redis-dts");
  const launcher = launcherCommand(bin);
  return spawn(process.execPath, [...launcher.flags, bin, ...args], {
    cwd: projectRoot(),
    env: { ...process.env, ...launcher.env },
    stdio: ["ignore", opts.stdout, "pipe", "ipc"],
  });
}

export function isAlive(proc: ChildProcess): boolean {
  return proc.exitCode === null && proc.signalCode === null;
}

/**
 * Asks a process to stop (`ask`, by default SIGTERM), and kills it when it has not exited after
 * `graceMs`. Resolves when it has exited; at once when it already had.
 */
export async function stopProcess(proc: ChildProcess, graceMs: number, ask: () => void = () => proc.kill("SIGTERM")): Promise<void> {
  if (!isAlive(proc)) return;
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  ask();
  const timeout = setTimeout(() => proc.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timeout);
}

/**
 * A registry of running processes that survives module reloads (Next.js dev reloads server modules;
 * the processes keep running), and whose processes get SIGTERM when this process exits.
 */
export function processRegistry<T extends { proc: ChildProcess }>(name: string): Map<string, T> {
  const g = globalThis as unknown as Record<string, Map<string, T> | undefined>;
  const key = `__redisDts${name}`;
  if (!g[key]) {
    const map = new Map<string, T>();
    g[key] = map;
    process.once("exit", () => {
      for (const r of map.values()) r.proc.kill("SIGTERM");
    });
  }
  return g[key];
}
