import type { Redis } from "ioredis";
import { expect } from "vitest";
import { diffValues, type DiffOptions } from "../keys/diff-values";
import { readKeys, type LiveKey } from "../keys/read-key";
import type { TypedValue } from "../values/typed-value";
import { parseRedisUri } from "../endpoint";
import path from "node:path";
import type { ChainableCommander } from "ioredis";
import { startRedis, type RedisNode } from "../../testing/redis-harness";
import { openWriter } from "../writer/open-writer";
import { RdbLoader } from "./loader";
import { loadRdbFile, loadRdbStream } from "./load-stream";
import type { LoaderOptions, LoadStats } from "./types";
import type { WriterOptions } from "../writer/types";

/** Every key of one database, read through SCAN (binary-safe). */
export async function scanAll(client: Redis, db: number): Promise<Buffer[]> {
  await client.select(db);
  const keys: Buffer[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await client.scanBuffer(cursor, "COUNT", 1000);
    cursor = String(next);
    keys.push(...batch);
  } while (cursor !== "0");
  return keys;
}

export async function keyspaceDbs(client: Redis): Promise<number[]> {
  const info = String(await client.info("keyspace"));
  return [...info.matchAll(/^db(\d+):keys=(\d+)/gm)].map((m) => Number(m[1]));
}

export interface Snapshot {
  /** "db:keyhex" → live key */
  keys: Map<string, LiveKey>;
}

function isNode(n: RedisNode | Redis): n is RedisNode {
  return typeof (n as RedisNode).uri === "string" && typeof (n as RedisNode).logTail === "function";
}

export async function snapshot(node: RedisNode | Redis, dbs?: number[]): Promise<Snapshot> {
  const client = isNode(node) ? node.client() : node;
  const keys = new Map<string, LiveKey>();
  for (const db of dbs ?? (await keyspaceDbs(client))) {
    const names = await scanAll(client, db);
    await client.select(db);
    const live = await readKeys(client, names);
    live.forEach((k, i) => {
      if (k) keys.set(`${db}:${names[i].toString("hex")}`, k);
    });
  }
  return { keys };
}

/** Same keys, same types, same values, same absolute TTLs. */
export interface SameDataOptions extends DiffOptions {
  stripFieldExpiry?: boolean;
  ttlToleranceMs?: number;
  /**
   * Expect a stream's length to be its entry count: a server keeps the length an RDB states even
   * when fewer entries are live (stream_listpacks_1.rdb's "trim"), which commands cannot recreate.
   */
  streamLengthFromEntries?: boolean;
}

export function expectSameData(expected: Snapshot, actual: Snapshot, what: string, opts: SameDataOptions = {}): void {
  const missing = [...expected.keys.keys()].filter((k) => !actual.keys.has(k));
  const extra = [...actual.keys.keys()].filter((k) => !expected.keys.has(k));
  expect(missing.map(readable), `${what}: keys missing`).toEqual([]);
  expect(extra.map(readable), `${what}: unexpected keys`).toEqual([]);
  for (const [name, want] of expected.keys) {
    const got = actual.keys.get(name)!;
    let a = opts.stripFieldExpiry ? stripFieldExpiry(want.value) : want.value;
    if (opts.streamLengthFromEntries && a.type === "stream") a = { type: "stream", stream: { ...a.stream, length: a.stream.entries.length } };
    const b = opts.stripFieldExpiry ? stripFieldExpiry(got.value) : got.value;
    expect(diffValues(a, b, opts), `${what}: ${readable(name)}`).toBeNull();
    if (opts.ttlToleranceMs && want.expireAt !== null && got.expireAt !== null) expect(Math.abs(want.expireAt - got.expireAt), `${what}: ${readable(name)} expiry`).toBeLessThanOrEqual(opts.ttlToleranceMs);
    else expect(got.expireAt, `${what}: ${readable(name)} expiry`).toBe(want.expireAt);
  }
}

function stripFieldExpiry(v: TypedValue): TypedValue {
  return v.type === "hash" ? { type: "hash", fields: v.fields.map((f) => ({ field: f.field, value: f.value })) } : v;
}

function readable(name: string): string {
  const [db, hex] = name.split(":");
  return `db${db} ${JSON.stringify(Buffer.from(hex, "hex").toString("latin1"))}`;
}

/** Loads an RDB file (or bytes) into `target` through the engine's writer and loader. */
export async function loadInto(target: RedisNode | string, source: string | Buffer, loaderOpts: Partial<LoaderOptions> = {}, mode: "standalone" | "cluster" = "standalone", writerOpts: WriterOptions = {}): Promise<LoadStats> {
  const uri = typeof target === "string" ? target : target.uri;
  const writer = await openWriter(parseRedisUri(uri, mode), writerOpts);
  try {
    const loader = new RdbLoader(writer, { conflict: "ignore", ...loaderOpts });
    const stats = typeof source === "string" ? await loadRdbFile(source, loader) : await loadRdbStream(chunks(source), loader);
    await writer.close();
    return stats;
  } finally {
    writer.destroy();
  }
}

async function* chunks(data: Buffer): AsyncIterable<Buffer> {
  for (let i = 0; i < data.length; i += 4096) yield data.subarray(i, i + 4096);
}

/** A fresh source filled through one pipeline and saved: its RDB file and a snapshot of what it holds. */
export async function savedSource(fill: (p: ChainableCommander) => void): Promise<{ source: RedisNode; rdbFile: string; expected: Snapshot }> {
  const source = await startRedis();
  const c = source.client();
  const p = c.pipeline();
  fill(p);
  await p.exec();
  await c.save();
  return { source, rdbFile: path.join(source.dir, "dump.rdb"), expected: await snapshot(source) };
}

/** How many times these nodes ran `command` (INFO commandstats), summed. */
export async function commandCalls(nodes: RedisNode[], command: string): Promise<number> {
  let n = 0;
  for (const node of nodes) {
    const info = String(await node.client().info("commandstats"));
    n += Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, "m").exec(info)?.[1] ?? 0);
  }
  return n;
}
