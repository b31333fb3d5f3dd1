import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Cluster, Redis } from "ioredis";
import { startCluster, startRedis, stopAll, type RedisClusterHandle, type RedisNode } from "../../testing/redis-harness";
import type { Endpoint } from "../endpoint";
import { compare } from "./compare";
import { BIN_KEY, copyKeys, writeEveryType } from "./test-fixtures";

let cluster: RedisClusterHandle;
let cc: Cluster;
let single: RedisNode;
let sc: Redis;
const standalone = (n: RedisNode): Endpoint => ({ host: n.host, port: n.port, mode: "standalone" });
const clusterEp = (): Endpoint => ({ host: cluster.nodes[1].host, port: cluster.nodes[1].port, mode: "cluster" });

beforeAll(async () => {
  [cluster, single] = await Promise.all([startCluster({ masters: 3 }), startRedis()]);
  cc = cluster.client();
  sc = single.client();
});
afterAll(() => stopAll());
beforeEach(async () => {
  for (const m of await cluster.masters()) await Promise.all([m.client().flushall(), m.client().call("FUNCTION", "FLUSH")]);
  await sc.select(0);
  await Promise.all([sc.flushall(), sc.call("FUNCTION", "FLUSH")]);
});

const library = (name: string) => `#!lua name=${name}\nredis.register_function('${name}_f', function() return 1 end)`;

/** Every key of the cluster, master by master, into one server (database `db`). */
async function clusterInto(target: Redis): Promise<void> {
  for (const m of await cluster.masters()) await copyKeys(m.client(), target);
}

describe("compare with a cluster on either side", () => {
  it("cluster source, standalone target: equal, then each difference found on the right master", async () => {
    const names = await writeEveryType(cc);
    for (let i = 0; i < 200; i++) await cc.set(`spread:${i}`, String(i));
    await clusterInto(sc);
    const run = (mode: "full" | "quick") => compare({ source: clusterEp(), target: standalone(single), mode, recheckDelayMs: 20 });
    expect(await run("full")).toMatchObject({ equal: true, keys: names.length + 200 });
    expect(await run("quick")).toMatchObject({ equal: true, keys: names.length + 200 });
    await sc.del("spread:17");
    await sc.set("spread:18", "81");
    await sc.set("spread:extra", "1");
    await sc.append(BIN_KEY, "!");
    const r = await run("full");
    expect(r).toMatchObject({ equal: false, keys: names.length + 200, missing: 1, extra: 1, different: 2 });
    expect(r.samples.map((s) => [s.key, s.kind]).sort()).toEqual([
      ['"b\\x00\\xff\\nk"', "length"], ["spread:17", "missing"], ["spread:18", "value"], ["spread:extra", "extra"],
    ]);
  });

  it("standalone source database 3 mapped to a cluster target: equal, extra and binary keys routed by slot", async () => {
    await sc.select(3);
    await writeEveryType(sc);
    for (let i = 0; i < 100; i++) await sc.set(Buffer.concat([BIN_KEY, Buffer.from([i])]), Buffer.from([i, 0, 255]));
    await copyKeys(sc, cc);
    const run = () => compare({ source: standalone(single), target: clusterEp(), dbMap: new Map([[3, 0]]), mode: "full", recheckDelayMs: 20 });
    expect(await run()).toMatchObject({ equal: true, keys: 109 });
    await cc.set("only-in-cluster", "1");
    await cc.del(Buffer.concat([BIN_KEY, Buffer.from([42])]));
    const r = await run();
    expect(r).toMatchObject({ equal: false, missing: 1, extra: 1, different: 0 });
    expect(r.samples.find((s) => s.kind === "extra")).toMatchObject({ db: 3, targetDb: 0, key: "only-in-cluster" });
    expect(Buffer.from(r.samples.find((s) => s.kind === "missing")!.keyBase64, "base64")).toEqual(Buffer.concat([BIN_KEY, Buffer.from([42])]));
  });

  it("function libraries: the source's are the union of its masters', every target master must hold each", async () => {
    const [m0, m1, m2] = await cluster.masters();
    await m0.client().call("FUNCTION", "LOAD", library("only0"));
    await sc.call("FUNCTION", "LOAD", library("only0"));
    expect(await compare({ source: clusterEp(), target: standalone(single), mode: "quick", recheckDelayMs: 20 })).toMatchObject({ equal: true });
    await sc.call("FUNCTION", "LOAD", library("more"));
    const r = await compare({ source: clusterEp(), target: standalone(single), mode: "quick", recheckDelayMs: 20 });
    expect(r.samples).toEqual([expect.objectContaining({ key: "more", kind: "function", detail: "function library on the target, not on the source" })]);
    // standalone source → cluster target: one master lacks it
    await m1.client().call("FUNCTION", "LOAD", library("only0"));
    await m1.client().call("FUNCTION", "LOAD", library("more"));
    await m2.client().call("FUNCTION", "LOAD", library("more"));
    await m0.client().call("FUNCTION", "LOAD", library("more"));
    const back = await compare({ source: standalone(single), target: clusterEp(), mode: "quick", recheckDelayMs: 20 });
    expect(back.samples).toEqual([expect.objectContaining({ key: "only0", kind: "function", detail: `function library missing on target master 127.0.0.1:${m2.port}` })]);
  });

  it("refuses a database other than 0 on a cluster, and a cluster given as standalone", async () => {
    await sc.set("a", "1");
    await sc.select(2);
    await sc.set("b", "1");
    await expect(compare({ source: standalone(single), target: clusterEp(), dbMap: new Map([[2, 1]]), mode: "quick" })).rejects.toThrow(/has database 0 only, not 1/);
    await expect(compare({ source: { ...clusterEp(), mode: "standalone" }, target: standalone(single), mode: "quick" })).rejects.toThrow(/is a cluster node: use --source-mode cluster/);
    // without a map, every source database of a standalone lands in the cluster's database 0
    await cc.set("a", "1");
    await cc.set("b", "1");
    expect(await compare({ source: standalone(single), target: clusterEp(), mode: "quick" })).toMatchObject({ equal: true, keys: 2 });
  });
});
