import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, stopAll, type RedisNode } from "../../testing/redis-harness";
import { parseRedisUri } from "../endpoint";
import { RdbParser } from "../rdb/parser";
import { openWriter } from "../writer/open-writer";
import { RdbLoader } from "./loader";

/**
 * Big strings (issue 15) through the full-sync path: the parser (transient values, as ShardSync
 * runs it), the loader and the writer, into a real redis-server. Exact copies, and the load never
 * has more of a big value in flight than the writer's bounds allow.
 */
const MiB = 1024 * 1024;
const SIZE = 64 * MiB;
const CHUNK = 64 * 1024;
const IN_FLIGHT = 4 * MiB;
const KEYS = ["big:random", "big:repeated", "after:1", "after:2"];
const config = { "enable-debug-command": "yes" };

let source: RedisNode;
let target: RedisNode;
let rdb: Buffer;

beforeAll(async () => {
  source = await startRedis({ config });
  target = await startRedis({ config });
  const c = source.client();
  for (let at = 0; at < SIZE; at += 8 * MiB) await c.setrange("big:random", at, randomBytes(8 * MiB));
  // zero bytes and a last one: LZF-compressed in the RDB (decompressed into one buffer)
  await c.setrange("big:repeated", SIZE - 1, "z");
  await c.set("after:1", "small");
  await c.rpush("after:2", "a", "b");
  await c.save();
  rdb = readFileSync(path.join(source.dir, "dump.rdb"));
}, 120_000);

afterAll(stopAll);

async function digests(node: RedisNode): Promise<string[]> {
  const c = node.client();
  return Promise.all(KEYS.map(async (k) => `${k} ${await c.strlen(k).catch(() => "-")} ${String(await c.call("DEBUG", "DIGEST-VALUE", k))}`));
}

/** Loads the RDB in CHUNK pieces as ShardSync does; returns the most commands ever unanswered after a piece. */
async function load(conflict: "ignore" | "intercept"): Promise<number> {
  const writer = await openWriter(parseRedisUri(target.uri, "standalone"), { maxInFlightBytes: IN_FLIGHT });
  let mostInFlight = 0;
  try {
    const loader = new RdbLoader(writer, { conflict, taskId: "bigval-test" });
    let blocked = false;
    const parser = new RdbParser((e) => (blocked = !loader.push(e) || blocked), { transientValues: true, validateEncoded: false });
    for (let at = 0; at < rdb.length; at += CHUNK) {
      parser.write(rdb.subarray(at, at + CHUNK));
      mostInFlight = Math.max(mostInFlight, writer.stats.written - writer.stats.acknowledged);
      if (blocked) {
        blocked = false;
        await loader.ready();
      }
    }
    parser.end();
    const stats = await loader.finish();
    expect(stats.issues).toEqual([]);
    expect(stats.written).toBe(KEYS.length);
    await writer.close();
  } finally {
    writer.destroy();
  }
  return mostInFlight;
}

describe("a big string through parser, loader and writer", () => {
  it("is copied exactly, in ignore and intercept modes, within the writer's in-flight bounds", async () => {
    const want = await digests(source);
    expect(want[0]).toContain(` ${SIZE} `);
    for (const conflict of ["ignore", "intercept"] as const) {
      await target.client().flushall();
      const mostInFlight = await load(conflict);
      expect(await digests(target), conflict).toEqual(want);
      // 1 MB commands: the bound and one command over it, never the rest of a 64 MB value at once
      expect(mostInFlight, conflict).toBeLessThanOrEqual(IN_FLIGHT / MiB + 4);
    }
  }, 180_000);
});
