import { afterAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { encodeCommand } from "../server/engine/resp/encoder";
import { startCluster, startRedis, stopAll } from "../server/testing/redis-harness";
import { datasetKeys, expectedMix, largestValueBytes, TTL_MAX_S, TTL_MIN_S, type KeyKind } from "./dataset";
import { fillDataset } from "./fill";

afterAll(stopAll);

function digest(keys: number, seed: number): string {
  const h = createHash("sha256");
  for (const k of datasetKeys({ keys, seed })) for (const c of k.commands) h.update(encodeCommand(c));
  return h.digest("hex");
}

describe("reference dataset generator", () => {
  it("is reproducible by seed and differs between seeds", () => {
    expect(digest(2000, 7)).toBe(digest(2000, 7));
    expect(digest(2000, 7)).not.toBe(digest(2000, 8));
  });

  it("has the mix of the baseline: 14 strings, 2 hashes, 2 lists, 1 set, 1 zset per 20 keys; ~10% with a 1-7 day TTL", () => {
    const n = 20_000;
    const kinds: Record<KeyKind, number> = { string: 0, hash: 0, list: 0, set: 0, zset: 0 };
    let withTtl = 0;
    for (const k of datasetKeys({ keys: n, seed: 1 })) {
      kinds[k.kind]++;
      if (k.ttl) {
        withTtl++;
        expect(k.ttl).toBeGreaterThanOrEqual(TTL_MIN_S);
        expect(k.ttl).toBeLessThanOrEqual(TTL_MAX_S);
      }
      const create = k.commands[0];
      if (k.kind === "string") {
        const v = create[2] as Buffer;
        expect(v.length).toBeGreaterThanOrEqual(16);
        expect(v.length).toBeLessThanOrEqual(128);
        expect(/^[A-Za-z0-9]+$/.test(v.toString())).toBe(true);
      } else if (k.kind === "hash") {
        expect(create.length).toBe(2 + 20);
        for (let i = 3; i < create.length; i += 2) {
          expect((create[i] as Buffer).length).toBeGreaterThanOrEqual(8);
          expect((create[i] as Buffer).length).toBeLessThanOrEqual(48);
        }
      } else if (k.kind === "zset") {
        expect(create.length).toBe(2 + 20);
      } else {
        expect(create.length).toBe(2 + 10);
      }
    }
    expect(kinds).toEqual({ string: 14_000, hash: 2_000, list: 2_000, set: 1_000, zset: 1_000 });
    expect(expectedMix(n)).toEqual(kinds);
    expect(withTtl / n).toBeGreaterThan(0.09);
    expect(withTtl / n).toBeLessThan(0.11);
  });

  it("never makes a key's payload larger than largestValueBytes, the base of the memory target", () => {
    const size = (a: unknown) => (Buffer.isBuffer(a) ? a.length : Buffer.byteLength(String(a)));
    let largest = 0;
    for (const k of datasetKeys({ keys: 20_000, seed: 9 })) {
      const create = k.commands[0];
      // a string's value only (not EX <ttl>); a collection's every argument after the key
      const payload = k.kind === "string" ? size(create[2]) : create.slice(2).reduce((n: number, a) => n + size(a), 0);
      largest = Math.max(largest, payload);
    }
    expect(largest).toBeLessThanOrEqual(largestValueBytes());
    // and not loose by much: the bound is what the memory target is computed from
    expect(largestValueBytes()).toBeLessThan(1.5 * largest);
  });

  it("fills a real server through redis-cli --pipe with every key, type and TTL", async () => {
    const node = await startRedis();
    const n = 3000;
    const result = await fillDataset([{ host: node.host, port: node.port }], { keys: n, seed: 3 });
    expect(result.keys).toBe(n);
    const c = node.client();
    expect(await c.dbsize()).toBe(n);
    const ttls = [...datasetKeys({ keys: n, seed: 3 })].filter((k) => k.ttl).length;
    expect(await c.info("keyspace")).toContain(`db0:keys=${n},expires=${ttls},`);
    const sample = [...datasetKeys({ keys: 40, seed: 3 })];
    for (const k of sample) expect(await c.type(k.key)).toBe(k.kind);
    expect(await c.scard(sample.find((k) => k.kind === "set")!.key)).toBe(10);
    expect(await c.zcard(sample.find((k) => k.kind === "zset")!.key)).toBe(10);
  });

  it("routes every key to the master that owns its slot on a cluster", async () => {
    const cluster = await startCluster({ masters: 3 });
    const seed = cluster.client();
    const slots = (await seed.cluster("SLOTS")) as unknown as Array<[number, number, [string, number]]>;
    const targets = slots.map(([from, to, [host, port]]) => ({ host, port, slots: [[from, to]] as Array<[number, number]> }));
    const n = 2000;
    await fillDataset(targets, { keys: n, seed: 5 });
    let total = 0;
    for (const m of await cluster.masters()) total += await m.client().dbsize();
    expect(total).toBe(n);
    for (const k of [...datasetKeys({ keys: 20, seed: 5 })]) expect(await seed.type(k.key)).toBe(k.kind);
  });
});
