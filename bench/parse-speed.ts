/**
 * Parser throughput: `npx tsx bench/parse-speed.ts [FILE.rdb] [--keys N]`.
 * Without FILE it builds the reference "1M mixed" dataset of shared/notes/baselines.md (or --keys N
 * keys of it) in a local redis-server, SAVEs it and measures that dump.rdb. Reports the streaming
 * parse rate (file read in 64 KB chunks, CRC64 verified), the parse + decodeValue rate, and CRC64
 * alone.
 */
import { openSync, readSync, closeSync, statSync, readFileSync, writeFileSync, copyFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { startRedis, stopAll } from "../server/testing/redis-harness";
import { RdbParser } from "../server/engine/rdb/parser";
import { decodeValue } from "../server/engine/rdb/decode-value";
import { Crc64 } from "../server/engine/rdb/crc64";

const CHUNK = 64 * 1024;

function rand(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

function resp(args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;
}

/** The reference dataset as redis-cli --pipe input: per 20 keys 14 strings, 2 hashes, 2 lists, 1 set, 1 zset; ~10% TTL. */
function dataset(keys: number): string {
  const r = rand(42);
  const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  const str = (min: number, max: number) => {
    const n = min + Math.floor(r() * (max - min + 1));
    let s = "";
    for (let i = 0; i < n; i++) s += alnum[Math.floor(r() * 62)];
    return s;
  };
  const out: string[] = [];
  for (let i = 0; i < keys; i++) {
    const slot = i % 20;
    const key = `key:${i}`;
    if (slot < 14) out.push(resp(["SET", key, str(16, 128)]));
    else if (slot < 16) out.push(resp(["HSET", key, ...Array.from({ length: 10 }, (_, j) => [`field${j}`, str(8, 48)]).flat()]));
    else if (slot < 18) out.push(resp(["RPUSH", key, ...Array.from({ length: 10 }, () => str(8, 32))]));
    else if (slot < 19) out.push(resp(["SADD", key, ...Array.from({ length: 10 }, () => str(8, 32))]));
    else out.push(resp(["ZADD", key, ...Array.from({ length: 10 }, (_, j) => [String(j + r()), str(8, 32)]).flat()]));
    if (r() < 0.1) out.push(resp(["EXPIRE", key, String(86400 + Math.floor(r() * 6 * 86400))]));
  }
  return out.join("");
}

async function buildRdb(keys: number): Promise<string> {
  const node = await startRedis();
  const proto = path.join(node.dir, "fill.resp");
  writeFileSync(proto, dataset(keys));
  const piped = spawnSync("sh", ["-c", `redis-cli -p ${node.port} --pipe < ${proto}`], { encoding: "utf8" });
  if (piped.status !== 0) throw new Error(`redis-cli --pipe failed: ${piped.stdout}${piped.stderr}`);
  await node.client().call("SAVE");
  const out = path.join(os.tmpdir(), `redis-dts-bench-${keys}.rdb`);
  copyFileSync(path.join(node.dir, "dump.rdb"), out);
  await stopAll();
  return out;
}

function parseFile(file: string, decode: boolean): { seconds: number; cpu: number; keys: number } {
  const fd = openSync(file, "r");
  const buf = Buffer.allocUnsafe(CHUNK);
  let keys = 0;
  const p = new RdbParser((e) => {
    if (e.kind !== "key") return;
    keys++;
    if (decode) decodeValue(e);
  });
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  for (;;) {
    const n = readSync(fd, buf, 0, CHUNK, null);
    if (n === 0) break;
    // a fresh copy per chunk, as a socket would hand it over
    p.write(Buffer.from(buf.subarray(0, n)));
  }
  p.end();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const used = process.cpuUsage(c0);
  closeSync(fd);
  return { seconds, cpu: (used.user + used.system) / 1e6, keys };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const keysFlag = args.indexOf("--keys");
  const keys = keysFlag >= 0 ? Number(args[keysFlag + 1]) : 1_000_000;
  const file = args.find((a, i) => !a.startsWith("--") && i !== keysFlag + 1) ?? (await buildRdb(keys));
  const mb = statSync(file).size / 1e6;
  console.log(`file ${file}: ${mb.toFixed(1)} MB`);
  for (let run = 0; run < 3; run++) {
    const r = parseFile(file, false);
    console.log(`parse (extents + validation + CRC64): ${r.seconds.toFixed(2)} s wall (${r.cpu.toFixed(2)} s CPU), ${(mb / r.seconds).toFixed(0)} MB/s, ${(r.keys / r.seconds / 1000).toFixed(0)}k keys/s (${r.keys} keys)`);
  }
  const d = parseFile(file, true);
  console.log(`parse + decodeValue of every key: ${d.seconds.toFixed(2)} s wall (${d.cpu.toFixed(2)} s CPU), ${(mb / d.seconds).toFixed(0)} MB/s, ${(d.keys / d.seconds / 1000).toFixed(0)}k keys/s`);
  const data = readFileSync(file);
  for (let run = 0; run < 3; run++) {
    const t0 = process.hrtime.bigint();
    new Crc64().update(data);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`CRC64 alone: ${(data.length / 1e6 / s).toFixed(0)} MB/s`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
