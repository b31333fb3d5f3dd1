import type { Cluster, Redis } from "ioredis";

/**
 * Datasets for the compare tests: every type, binary keys and values, TTLs, a stream with groups,
 * PEL and consumers. The target copy is made with DUMP/RESTORE ABSTTL so it is exact (delivery and
 * seen times included), as a faithful synchronization would leave it.
 */

export const BIN_KEY = Buffer.from([0x62, 0x00, 0xff, 0x0a, 0x6b]);
export const BIN_VALUE = Buffer.from([0x00, 0x01, 0x80, 0xfe, 0xff, 0x0d, 0x0a]);

type Client = Redis | Cluster;

export async function writeEveryType(c: Client, prefix = ""): Promise<string[]> {
  const k = (name: string) => `${prefix}${name}`;
  await c.set(k("str"), "hello");
  await c.set(k("str:ttl"), "soon", "PX", 3_600_000);
  await c.set(Buffer.concat([Buffer.from(prefix), BIN_KEY]), BIN_VALUE);
  await c.rpush(k("list"), "a", "b", "c", "a");
  await c.sadd(k("set"), "x", "y", "z");
  await c.sadd(k("intset"), 1, 2, 3);
  await c.zadd(k("zset"), 1.5, "one", "-inf", "low", 0.30000000000000004, "odd");
  await c.hset(k("hash"), "f1", "v1", "f2", BIN_VALUE);
  await c.expire(k("hash"), 7200);
  for (let i = 1; i <= 5; i++) await c.xadd(k("stream"), `${i}-0`, "n", String(i));
  await c.xdel(k("stream"), "2-0");
  await c.xgroup("CREATE", k("stream"), "g1", "0");
  await c.xgroup("CREATE", k("stream"), "g2", "$");
  await c.xreadgroup("GROUP", "g1", "alice", "COUNT", 2, "STREAMS", k("stream"), ">");
  return ["str", "str:ttl", "bin", "list", "set", "intset", "zset", "hash", "stream"].map(k);
}

/** Strings in bulk through pipelines (for the batching test). */
export async function writeManyStrings(c: Redis, count: number, prefix = "k:"): Promise<void> {
  for (let start = 0; start < count; start += 5000) {
    const p = c.pipeline();
    for (let i = start; i < Math.min(count, start + 5000); i++) {
      if (i % 10 === 0) p.hset(`${prefix}${i}`, "a", String(i), "b", "x");
      else p.set(`${prefix}${i}`, `value-${i}`);
    }
    await p.exec();
  }
}

/** Copies every key of `from` (a node; SCAN) to `to` with DUMP + RESTORE ABSTTL REPLACE. */
export async function copyKeys(from: Redis, to: Client): Promise<number> {
  let cursor = "0";
  let copied = 0;
  do {
    const [next, keys] = (await from.callBuffer("SCAN", cursor, "COUNT", 1000)) as [Buffer, Buffer[]];
    cursor = next.toString();
    const read = from.pipeline();
    for (const key of keys) read.dumpBuffer(key).pexpiretime(key);
    const got = (await read.exec()) ?? [];
    // a cluster client pipelines only keys of one node: one command at a time there
    const write = to.isCluster ? null : (to as Redis).pipeline();
    for (let i = 0; i < keys.length; i++) {
      const dump = got[i * 2][1] as Buffer | null;
      const at = got[i * 2 + 1][1] as number;
      if (!dump) continue;
      const args = [keys[i], at > 0 ? at : 0, dump, "ABSTTL", "REPLACE"] as const;
      if (write) write.call("RESTORE", ...args);
      else await to.call("RESTORE", ...args);
      copied++;
    }
    if (write) for (const [err] of (await write.exec()) ?? []) if (err) throw err;
  } while (cursor !== "0");
  return copied;
}
