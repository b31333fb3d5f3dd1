/**
 * Peak memory of a full synchronization of one big random string (issue 15: ≤ the value + 150 MB).
 * Starts a source and a destination redis-server, fills the source with one string of random bytes
 * (SETRANGE pieces), runs `redis-dts sync` as a child process until the destination holds the whole
 * value and the task is `synchronizing`, samples the engine's VmRSS and reads its VmHWM (the
 * kernel's own high-water mark, which no sampling interval can miss), and compares the two values'
 * digests. Usage: tsx bench/big-value.ts [MiB=256] [runs=3] [type=string|list|hash|set|zset]
 * (a collection: elements of 100 random bytes, MiB of them in all).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startRedis, stopAll, type RedisNode } from "../server/testing/redis-harness";
import { EngineProcess } from "./engine-process";
import { RssSampler, rssOf } from "./rss-sampler";
import { pollUntil } from "./stats";

const MiB = 1024 * 1024;
const PIECE = 8 * MiB;
const KEY = "big:value";
const ELEMENT = 100;
type Kind = "string" | "list" | "hash" | "set" | "zset";

function hwmOf(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

async function fill(node: RedisNode, bytes: number, kind: Kind): Promise<void> {
  const c = node.client();
  if (kind === "string") {
    for (let at = 0; at < bytes; at += PIECE) await c.setrange(KEY, at, randomBytes(Math.min(PIECE, bytes - at)));
    return;
  }
  const batch = 1000;
  for (let n = 0; n < bytes / ELEMENT; n += batch) {
    const items = Array.from({ length: batch }, () => randomBytes(ELEMENT));
    if (kind === "list") await c.rpush(KEY, ...items);
    else if (kind === "set") await c.sadd(KEY, ...items);
    else if (kind === "hash") await c.hset(KEY, ...items.flatMap((v, i) => [String(n + i), v]));
    else await c.zadd(KEY, ...items.flatMap((v, i) => [String(n + i), v]));
  }
}

async function digest(node: RedisNode): Promise<string> {
  return String(await node.client().call("DEBUG", "DIGEST-VALUE", KEY));
}

async function oneRun(mib: number, run: number, kind: Kind): Promise<{ peakMB: number; hwmMB: number; idleMB: number; seconds: number; exact: boolean }> {
  const config = { "enable-debug-command": "yes", "client-query-buffer-limit": "1gb", "proto-max-bulk-len": "1gb" };
  const source = await startRedis({ config });
  const target = await startRedis({ config });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "dts-bigval-"));
  await fill(source, mib * MiB, kind);
  const want = await digest(source);
  const engine = new EngineProcess({ task: `bigval-${run}`, source: source.uri, target: target.uri, dataDir }).start();
  const sampler = new RssSampler(engine.pid, 20).start();
  let hwm = 0;
  // what the process holds before any data moves (runtime, CLI, database): the rest is the value's
  let idle = 0;
  const off = engine.onLine(() => {
    idle = rssOf(engine.pid) ?? 0;
    off();
  });
  const hwmTimer = setInterval(() => (hwm = Math.max(hwm, hwmOf(engine.pid) ?? 0)), 20);
  try {
    await pollUntil(
      async () => {
        if (!engine.running) throw new Error(`engine ended: ${engine.describe()}`);
        // synchronizing: the load is acknowledged (the finish line of bench/engine-full.ts)
        return engine.lines.some((l) => l.state === "synchronizing") ? true : undefined;
      },
      { intervalMs: 50, timeoutMs: 300_000, what: () => engine.describe() },
    );
    hwm = Math.max(hwm, hwmOf(engine.pid) ?? 0);
    const seconds = (Date.now() - engine.startedAt) / 1000;
    const exact = (await digest(target)) === want;
    return { peakMB: sampler.peak / MiB, hwmMB: hwm / MiB, idleMB: idle / MiB, seconds, exact };
  } finally {
    clearInterval(hwmTimer);
    sampler.stop();
    await engine.stop();
    await stopAll();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const mib = Number(process.argv[2] ?? 256);
const runs = Number(process.argv[3] ?? 3);
const kind = (process.argv[4] ?? "string") as Kind;
for (let i = 0; i < runs; i++) {
  const r = await oneRun(mib, i, kind);
  console.log(`run ${i + 1}: ${mib} MiB ${kind}, VmHWM ${r.hwmMB.toFixed(0)} MiB (sampled VmRSS peak ${r.peakMB.toFixed(0)} MiB, ${r.idleMB.toFixed(0)} MiB at the first status line), ${r.seconds.toFixed(1)} s, copy ${r.exact ? "exact" : "DIFFERENT"}`);
}
