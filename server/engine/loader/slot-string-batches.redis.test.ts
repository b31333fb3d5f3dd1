import calculateSlot from "cluster-key-slot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, stopAll, type RedisClusterHandle } from "../../testing/redis-harness";
import { rdbFile as rdbBytes, str } from "../rdb/rdb-writer.test-helper";
import { commandCalls, expectSameData, loadInto, savedSource, snapshot, type Snapshot } from "./loader.test-helper";

/**
 * Plain strings of a full sync into a cluster go many to a command, one batch open per slot
 * (slot-string-batches.ts), although consecutive keys of the RDB are in different slots and other
 * types come between them. The copy is compared key by key with the source on every master, the
 * commands counted in the destination's statistics.
 */

const TAGGED = 3000;
const SPREAD = 30_000;
let rdbFile: string;
let expected: Snapshot;

beforeAll(async () => {
  ({ rdbFile, expected } = await savedSource((p) => {
    for (let i = 0; i < TAGGED; i++) {
      // 40 hash tags: ~75 strings per slot, in between keys of other slots and types
      p.set(`{t${i % 40}}:s:${i}`, `value-${i}`);
      if (i % 3 === 0) p.hset(`h:${i}`, "f", String(i));
      else if (i % 3 === 1) p.set(`x:${i}`, "with a ttl", "PX", 3_600_000);
    }
    // every slot, ~100-byte values LZF cannot shorten (those go by RESTORE): ~2 per slot, more than
    // one chunk holds in the slots that got 5 or more
    let x = 1;
    const noise = (n: number) => {
      let out = "";
      for (let j = 0; j < n; j++) out += String.fromCharCode(65 + ((x = (x * 1103515245 + 12345) >>> 0) >>> 26));
      return out;
    };
    for (let i = 0; i < SPREAD; i++) p.set(`spread:${i}`, noise(90 + (i % 20)));
  }));
}, 60_000);
afterAll(stopAll);

async function clusterSnapshot(cluster: RedisClusterHandle): Promise<Snapshot> {
  const keys = new Map();
  for (const m of await cluster.masters()) for (const [k, v] of (await snapshot(m, [0])).keys) keys.set(k, v);
  return { keys };
}

const calls = async (cluster: RedisClusterHandle, command: string) => commandCalls(await cluster.masters(), command);

describe("string batches per slot into a cluster", () => {
  for (const conflict of ["intercept", "ignore"] as const) {
    it(`${conflict}: many plain strings per ${conflict === "ignore" ? "MSET" : "MSETNX"} of one slot, the data identical`, async () => {
      const dest = await startCluster({ masters: 3 });
      const stats = await loadInto(dest.uri, rdbFile, { conflict }, "cluster");
      expect(stats.failed).toBe(0);
      expect(stats.conflicts).toBe(0);
      expect(stats.written).toBe(expected.keys.size);
      expectSameData(expected, await clusterSnapshot(dest), conflict);
      const batches = await calls(dest, conflict === "ignore" ? "mset" : "msetnx");
      // one RESTORE per string before; now the tagged ones go ~5 to a 512-byte chunk, and the spread
      // ones ~2 per slot
      expect(batches).toBeGreaterThan(0);
      expect(batches).toBeLessThan(0.7 * (TAGGED + SPREAD));
      // strings with a TTL and other types go by RESTORE, one each
      expect(await calls(dest, "restore")).toBe(expected.keys.size - TAGGED - SPREAD);
    }, 60_000);
  }

  it("intercept: the keys already on the destination are the conflicts, exactly, the others written", async () => {
    const dest = await startCluster({ masters: 3 });
    const existing = ["{t5}:s:5", "{t20}:s:700", "spread:12345"];
    for (const k of existing) await dest.client().set(k, "theirs");
    const stats = await loadInto(dest.uri, rdbFile, { conflict: "intercept" }, "cluster");
    expect(stats.conflicts).toBe(existing.length);
    expect(stats.issues.filter((i) => i.kind === "conflict").map((i) => String(i.key)).sort()).toEqual([...existing].sort());
    for (const k of existing) expect(await dest.client().get(k)).toBe("theirs");
    const all = await clusterSnapshot(dest);
    expect(all.keys.size).toBe(expected.keys.size);
  }, 60_000);

  it("every slot's last keys are written at the end, however many chunks filled before a slot was first seen", async () => {
    // 16,500 chunks of one slot fill and go first (more than there are slots), then one key for
    // each of the 16,384 slots: each of these waits in its slot's chunk until the end
    const records: Buffer[] = [];
    const hot = 16_500 * 21;
    for (let i = 0; i < hot; i++) records.push(Buffer.from([0]), str(`{h}${i}`), str(""));
    const late = new Map<number, string>();
    for (let i = 0; late.size < 16384; i++) {
      const key = `late:${i}`;
      const slot = calculateSlot(key);
      if (!late.has(slot)) late.set(slot, key);
    }
    for (const key of late.values()) records.push(Buffer.from([0]), str(key), str("v"));
    const dest = await startCluster({ masters: 3 });
    const stats = await loadInto(dest.uri, rdbBytes(records), { conflict: "intercept" }, "cluster");
    expect(stats.failed).toBe(0);
    let keys = 0;
    for (const m of await dest.masters()) keys += await m.client().dbsize();
    expect(keys).toBe(hot + late.size);
    for (const key of [...late.values()].filter((_, i) => i % 997 === 0)) expect(await dest.client().get(key)).toBe("v");
  }, 120_000);
});
