import net from "node:net";
import type { Redis } from "ioredis";
import type { Deployment } from "./deployment";
import { cpuMsOf, redisPidOf } from "./rss-sampler";
import { pollUntil } from "./stats";

/**
 * Catch-up of a frozen backlog: the copy's process is stopped (SIGSTOP: the engine, or the native
 * replica's redis-server), a backlog of mixed writes (SET, INCR, HSET, LPUSH, ZADD, EXPIRE; a sixth
 * each) goes into the source while it cannot read, then the process is continued (SIGCONT) and timed
 * until a sentinel written after the backlog is on the destination: everything before it in the one
 * ordered stream is applied. The master keeps the backlog in the copy's output buffer meanwhile.
 * Exactly-once is checked on the INCR counters and list lengths (a write applied twice shows there).
 */

export interface CatchUpResult {
  commands: number;
  /** writing the backlog into the source (the copy frozen) */
  writeMs: number;
  /** SIGCONT → sentinel visible on the destination */
  catchUpMs: number;
  rate: number;
  /** CPU the copy's process (engine, or replica redis-server) and the destination used during the catch-up */
  copyCpuMs: number | null;
  destinationCpuMs: number | null;
  /** counters and lists compared source ↔ destination after the catch-up: how many differ */
  checked: number;
  differing: number;
}

const KEYS = 50_000;
const LISTS = 5_000;

/** command i of the backlog, RESP-encoded */
function command(i: number): string {
  const k = i % KEYS;
  const argv = (() => {
    switch (i % 6) {
      case 0: return ["SET", `cu:s:${k}`, `v${i}`];
      case 1: return ["INCR", `cu:n:${k}`];
      case 2: return ["HSET", `cu:h:${k}`, `f${i % 8}`, `v${i}`];
      case 3: return ["LPUSH", `cu:l:${i % LISTS}`, `e${i}`];
      case 4: return ["ZADD", `cu:z:${i % LISTS}`, String(i % 1000), `m${i % 50}`];
      default: return ["EXPIRE", `cu:s:${(k + KEYS - 5) % KEYS}`, "86400"];
    }
  })();
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return s;
}

/** writes `n` commands pipelined (chunks of 1000, at most 64 chunks unanswered) on a raw connection */
async function writeBacklog(host: string, port: number, n: number): Promise<number> {
  const began = performance.now();
  const sock = net.connect(port, host);
  await new Promise<void>((resolve, reject) => sock.once("connect", resolve).once("error", reject));
  let replies = 0;
  let waiting: (() => void) | null = null;
  sock.on("data", (d: Buffer) => {
    for (let i = 0; i < d.length; i++) if (d[i] === 10) replies++;
    waiting?.();
  });
  const CHUNK = 1000;
  for (let sent = 0; sent < n; ) {
    let s = "";
    const upTo = Math.min(n, sent + CHUNK);
    for (; sent < upTo; sent++) s += command(sent);
    sock.write(s);
    while (sent - replies > 64 * CHUNK) await new Promise<void>((r) => (waiting = r));
  }
  while (replies < n) await new Promise<void>((r) => (waiting = r));
  sock.destroy();
  return performance.now() - began;
}

export async function catchUpRun(o: {
  source: Deployment;
  target: Deployment;
  /** the process to freeze: the engine's, or null for the target's redis-server (a native replica) */
  copyPid: number | null;
  commands: number;
  label: string;
  timeoutMs: number;
}): Promise<CatchUpResult> {
  const src = o.source.conns[0];
  const dst: Redis = o.target.conns[0];
  const destPid = redisPidOf(o.target.masters[0]);
  const copyPid = o.copyPid ?? destPid;
  const sentinel = `bench:catchup:${o.label}`;
  process.kill(copyPid, "SIGSTOP");
  let writeMs: number;
  try {
    writeMs = await writeBacklog(o.source.masters[0].host, o.source.masters[0].port, o.commands);
    await src.set(sentinel, "1");
  } catch (err) {
    process.kill(copyPid, "SIGCONT");
    throw err;
  }
  const copyBefore = cpuMsOf(copyPid);
  const destBefore = cpuMsOf(destPid);
  const began = performance.now();
  process.kill(copyPid, "SIGCONT");
  const seenAt = await pollUntil(async () => ((await dst.get(sentinel)) === "1" ? performance.now() : undefined), {
    intervalMs: 5,
    timeoutMs: o.timeoutMs,
    what: () => `the catch-up sentinel ${sentinel} on the destination`,
  });
  const copyAfter = cpuMsOf(copyPid);
  const destAfter = cpuMsOf(destPid);
  const catchUpMs = seenAt - began;
  // exactly-once: every counter and list length equal on both sides
  const p1 = src.pipeline();
  const p2 = dst.pipeline();
  for (let k = 0; k < 2000; k++) (p1.get(`cu:n:${k}`), p2.get(`cu:n:${k}`));
  for (let l = 0; l < 1000; l++) (p1.llen(`cu:l:${l}`), p2.llen(`cu:l:${l}`));
  const [a, b] = await Promise.all([p1.exec(), p2.exec()]);
  let differing = 0;
  a!.forEach(([, v], i) => (String(v) !== String(b![i][1]) ? differing++ : 0));
  await src.del(sentinel);
  return {
    commands: o.commands,
    writeMs,
    catchUpMs,
    rate: o.commands / (catchUpMs / 1000),
    copyCpuMs: copyBefore !== null && copyAfter !== null && o.copyPid !== null ? copyAfter - copyBefore : null,
    destinationCpuMs: destBefore !== null && destAfter !== null ? destAfter - destBefore : null,
    checked: a!.length,
    differing,
  };
}
