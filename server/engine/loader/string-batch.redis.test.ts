import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, stopAll, type RedisNode } from "../../testing/redis-harness";
import { commandCalls, expectSameData, loadInto, savedSource, snapshot, type Snapshot } from "./loader.test-helper";
import { len, rdbFile as rdbBytes, str } from "../rdb/rdb-writer.test-helper";

/**
 * Plain strings of a full sync go many to a command (string-batch.ts) although the RDB alternates
 * types: a batch stays open across the RESTOREs of other keys. Compared key by key, and counted in
 * the destination's own command statistics.
 */

const STRINGS = 3000;
let rdbFile: string;
let expected: Snapshot;

beforeAll(async () => {
  ({ rdbFile, expected } = await savedSource((p) => {
    for (let i = 0; i < STRINGS; i++) {
      // at most 20 bytes: Redis never compresses these in the RDB (LZF strings go by RESTORE)
      p.set(`s:${i}`, `value-${i}`);
      // every string is followed by a key of another kind, so consecutive plain strings are rare
      if (i % 3 === 0) p.hset(`h:${i}`, "f", String(i), "g", "x");
      else if (i % 3 === 1) p.rpush(`l:${i}`, "a", String(i));
      else p.set(`t:${i}`, "with a ttl", "PX", 3_600_000);
    }
  }));
});
afterAll(stopAll);

const calls = (node: RedisNode, command: string) => commandCalls([node], command);

describe("string batches across other keys", () => {
  for (const conflict of ["intercept", "ignore"] as const) {
    it(`${conflict}: dozens of plain strings per ${conflict === "ignore" ? "MSET" : "MSETNX"}, the data identical`, async () => {
      const dest = await startRedis();
      const stats = await loadInto(dest, rdbFile, { conflict });
      expect(stats.failed).toBe(0);
      expect(stats.conflicts).toBe(0);
      expect(stats.written).toBe(expected.keys.size);
      expectSameData(expected, await snapshot(dest), conflict);
      const batches = await calls(dest, conflict === "ignore" ? "mset" : "msetnx");
      expect(batches).toBeGreaterThan(0);
      // up to 64 keys or 32 KB each: closing at every other key gave one command per string here
      expect(batches).toBeLessThanOrEqual(Math.ceil(STRINGS / 16));
      // the strings with a TTL and the other types went by RESTORE, one each
      expect(await calls(dest, "restore")).toBe(expected.keys.size - STRINGS);
    });
  }

  it("intercept: the keys already on the destination are the conflicts, exactly, the others written", async () => {
    const dest = await startRedis();
    const existing = [5, 700, 2999].map((i) => `s:${i}`);
    for (const k of existing) await dest.client().set(k, "theirs");
    const stats = await loadInto(dest, rdbFile, { conflict: "intercept" });
    expect(stats.conflicts).toBe(existing.length);
    expect(stats.issues.filter((i) => i.kind === "conflict").map((i) => String(i.key)).sort()).toEqual([...existing].sort());
    for (const k of existing) expect(await dest.client().get(k)).toBe("theirs");
    expect(await dest.client().dbsize()).toBe(expected.keys.size);
  });

  it("a batch stays open across the SLOT_INFO before each slot's keys (a Redis 7.4 cluster's RDB)", async () => {
    // 300 slots of 10 keys, each slot's keys after its SLOT_INFO record, as a 7.4 cluster node saves them
    const records: Buffer[] = [Buffer.from([0xfe]), len(0)];
    for (let slot = 0; slot < 300; slot++) {
      records.push(Buffer.from([0xf4]), len(slot), len(10), len(0));
      for (let i = 0; i < 10; i++) records.push(Buffer.from([0]), str(`k:${slot}:${i}`), str(`v${i}`));
    }
    const dest = await startRedis();
    const stats = await loadInto(dest, rdbBytes(records, 12), { conflict: "intercept" });
    expect(stats.failed).toBe(0);
    expect(await dest.client().dbsize()).toBe(3000);
    expect(await dest.client().get("k:299:9")).toBe("v9");
    // up to 64 keys each: closing at every SLOT_INFO sent one per slot (300)
    expect(await calls(dest, "msetnx")).toBeLessThanOrEqual(Math.ceil(3000 / 16));
  });
});
