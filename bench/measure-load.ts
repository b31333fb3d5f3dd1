/**
 * Measures the RDB load rate (a script, not a test): the reference dataset of
 * ../shared/notes/baselines.md (bench/dataset.ts, seeded) saved to an RDB by redis-server, then
 * loaded into an empty server by `redis-dts rdb load` (peak RSS sampled) and, as the baseline, the
 * same RESTORE commands piped by `redis-cli --pipe`. Alternating runs, median of N.
 *
 *   npx tsx bench/measure-load.ts [--keys 1000000] [--runs 3] [--seed 1]
 */
import { spawn } from "node:child_process";
import { createReadStream, createWriteStream, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fillDataset } from "./fill";
import { RssSampler } from "./rss-sampler";
import { startRedis, stopAll, type RedisNode } from "../server/testing/redis-harness";
import { RdbParser } from "../server/engine/rdb/parser";
import { CommandBatch } from "../server/engine/resp/encoder";
import { RestorePayload } from "../server/engine/loader/restore-payload";
import { rdbVersionFor } from "../server/engine/loader/rdb-compat";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The RESTORE ... REPLACE ABSTTL commands of every key of the RDB, as one RESP file. */
async function restoreCommands(rdb: string, out: string, rdbVersion: number): Promise<number> {
  const file = createWriteStream(out);
  const batch = new CommandBatch(1 << 20);
  let n = 0;
  const parser = new RdbParser((e) => {
    if (e.kind !== "key") return;
    n++;
    const payload = new RestorePayload(e.raw, Math.min(e.rdbVersion, rdbVersion));
    batch.push(e.expireAt === null ? ["RESTORE", e.key, "0", payload, "REPLACE"] : ["RESTORE", e.key, String(e.expireAt), payload, "REPLACE", "ABSTTL"]);
  });
  const data = readFileSync(rdb);
  for (let i = 0; i < data.length; i += 1 << 20) {
    parser.write(data.subarray(i, i + (1 << 20)));
    if (!file.write(batch.take())) await new Promise<void>((r) => file.once("drain", () => r()));
  }
  parser.end();
  await new Promise<void>((resolve, reject) => file.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return n;
}

function run(cmd: string, args: string[], stdinFile?: string): Promise<{ ms: number; peakRss: number; out: string }> {
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const child = spawn(cmd, args, { cwd: ROOT, stdio: [stdinFile ? "pipe" : "ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (out += d));
    if (stdinFile) {
      createReadStream(stdinFile).pipe(child.stdin!);
    }
    const rss = new RssSampler(child.pid!, 50).start();
    child.once("error", reject);
    child.once("close", (code) => {
      rss.stop();
      const ms = performance.now() - began;
      if (code !== 0) reject(new Error(`${cmd} exited ${code}: ${out.slice(-500)}`));
      else resolve({ ms, peakRss: rss.peak, out });
    });
  });
}

async function emptyServer(): Promise<RedisNode> {
  return startRedis({ config: { save: '""' } });
}

async function dbsize(n: RedisNode): Promise<number> {
  return Number(await n.client().dbsize());
}

async function main(): Promise<void> {
  const keys = flag("keys", 1_000_000);
  const runs = flag("runs", 3);
  const seed = flag("seed", 1);
  const source = await startRedis();
  const fill = await fillDataset([{ host: source.host, port: source.port }], { keys, seed });
  await source.client().save();
  const rdb = path.join(source.dir, "dump.rdb");
  const rdbBytes = statSync(rdb).size;
  await source.stop();
  const respFile = path.join(source.dir, "restore.resp");
  const commands = await restoreCommands(rdb, respFile, rdbVersionFor("7.0.15"));
  console.log(`dataset: ${fill.keys} keys, RDB ${(rdbBytes / 1e6).toFixed(1)} MB, ${commands} RESTORE commands (${(statSync(respFile).size / 1e6).toFixed(1)} MB RESP)`);

  const engine: { ms: number; rss: number }[] = [];
  const pipe: { ms: number; rss: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const a = await emptyServer();
    const e = await run(path.join(ROOT, "bin/redis-dts"), ["rdb", "load", rdb, "--target", a.uri, "--conflict", "ignore"]);
    if ((await dbsize(a)) !== commands) throw new Error(`engine loaded ${await dbsize(a)} of ${commands} keys: ${e.out}`);
    engine.push({ ms: e.ms, rss: e.peakRss });
    await a.stop();
    const b = await emptyServer();
    const p = await run("redis-cli", ["-h", b.host, "-p", String(b.port), "--pipe"], respFile);
    if ((await dbsize(b)) !== commands) throw new Error(`redis-cli --pipe loaded ${await dbsize(b)} of ${commands} keys: ${p.out}`);
    pipe.push({ ms: p.ms, rss: p.peakRss });
    await b.stop();
    console.log(`run ${i + 1}: engine ${(e.ms / 1000).toFixed(2)} s (peak RSS ${(e.peakRss / 1e6).toFixed(0)} MB), redis-cli --pipe ${(p.ms / 1000).toFixed(2)} s`);
  }
  const em = median(engine.map((r) => r.ms));
  const pm = median(pipe.map((r) => r.ms));
  console.log(`\n| what | median | keys/s | peak RSS |\n| --- | --- | --- | --- |`);
  console.log(`| redis-dts rdb load (process start to exit) | ${(em / 1000).toFixed(2)} s | ${Math.round(commands / (em / 1000))} | ${(Math.max(...engine.map((r) => r.rss)) / 1e6).toFixed(0)} MB |`);
  console.log(`| redis-cli --pipe of the same RESTORE commands | ${(pm / 1000).toFixed(2)} s | ${Math.round(commands / (pm / 1000))} | ${(Math.max(...pipe.map((r) => r.rss)) / 1e6).toFixed(0)} MB |`);
  console.log(`ratio engine / redis-cli --pipe: ${(em / pm).toFixed(2)}`);
  await stopAll();
}

main().catch(async (err) => {
  console.error(err);
  await stopAll();
  process.exit(1);
});
