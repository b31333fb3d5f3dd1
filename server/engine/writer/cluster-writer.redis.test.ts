import { afterAll, beforeAll, describe, expect, it } from "vitest";
import calculateSlot from "cluster-key-slot";
import { Redis } from "ioredis";
import { startCluster, stopAll, waitFor, info, type RedisClusterHandle, type RedisNode } from "../../testing/redis-harness";
import { parseRedisUri } from "../endpoint";
import { openWriter } from "./open-writer";
import { PipelineConnection } from "./connection";
import { WRITE_REPLAY_SAFE, type DestinationWriter, type WriterEvent } from "./types";

let cluster: RedisClusterHandle;
beforeAll(async () => {
  cluster = await startCluster({ masters: 3, config: { appendonly: "yes", appendfsync: "always" } });
});
const opened: Redis[] = [];
afterAll(async () => {
  for (const c of opened) c.disconnect();
  await stopAll();
});

const direct = (n: RedisNode) => {
  const c = new Redis({ host: n.host, port: n.port, lazyConnect: false });
  c.on("error", () => {});
  opened.push(c);
  return c;
};

async function ownerOf(slot: number): Promise<RedisNode> {
  for (const n of await cluster.masters()) {
    const ranges = (await direct(n).cluster("SLOTS")) as unknown as [number, number, [string, number]][];
    for (const [from, to, [, port]] of ranges) if (slot >= from && slot <= to) return cluster.nodes.find((x) => x.port === port)!;
  }
  throw new Error(`no owner for ${slot}`);
}

async function myId(n: RedisNode): Promise<string> {
  return String(await direct(n).cluster("MYID"));
}

async function produce(writer: DestinationWriter, keys: string[], startTag: number, value = (k: string) => k) {
  let tag = startTag;
  for (const k of keys) if (!writer.write(0, ["SET", k, value(k)], k, tag++, WRITE_REPLAY_SAFE)) await writer.ready();
  return tag;
}

describe("cluster destination writer", () => {
  it("routes by slot with hash tags and refuses databases other than 0", async () => {
    const writer = await openWriter(parseRedisUri(cluster.uri, "cluster"));
    expect(writer.mode).toBe("cluster");
    expect(writer.nodes().length).toBe(3);
    const keys = Array.from({ length: 20_000 }, (_, i) => (i % 10 === 0 ? `{tag}:${i}` : `route:${i}`));
    await produce(writer, keys, 1);
    await writer.drained();
    const client = cluster.client();
    expect(await client.get("route:12345")).toBe("route:12345");
    const tagged = await ownerOf(calculateSlot("{tag}"));
    expect(await direct(tagged).exists("{tag}:0", "{tag}:10", "{tag}:19990")).toBe(3);
    expect(writer.nodeOf("{tag}:x")).toBe(`127.0.0.1:${tagged.port}`);
    expect(() => writer.write(1, ["SET", "a", "b"], "a")).toThrow(/database 1.*--db-map 1:0/);
    await writer.close();
  });

  it("follows MOVED after a slot is resharded and ASK while it migrates, keeping per-key order", async () => {
    const events: WriterEvent[] = [];
    const writer = await openWriter(parseRedisUri(cluster.uri, "cluster"), { onEvent: (e) => events.push(e) });
    const slot = calculateSlot("{mig}");
    const source = await ownerOf(slot);
    const target = (await cluster.masters()).find((n) => n.port !== source.port)!;
    const [sourceId, targetId] = [await myId(source), await myId(target)];
    const s = direct(source);
    const t = direct(target);
    // a list in the migrating slot: order of RPUSH across redirections is the check
    let tag = 1;
    const push = async (n: number) => {
      for (let i = 0; i < n; i++) if (!writer.write(0, ["RPUSH", "{mig}:list", String(pushed++)], "{mig}:list", tag++)) await writer.ready();
    };
    let pushed = 0;
    await push(500);
    tag = await produce(writer, Array.from({ length: 200 }, (_, i) => `{mig}:old:${i}`), tag);
    await writer.drained();

    // migration in progress: new keys of the slot are ASKed to the target
    await t.cluster("SETSLOT", slot, "IMPORTING", sourceId);
    await s.cluster("SETSLOT", slot, "MIGRATING", targetId);
    tag = await produce(writer, Array.from({ length: 300 }, (_, i) => `{mig}:new:${i}`), tag);
    await push(300); // the list still lives on the source: served there
    await writer.drained();
    expect(writer.stats.redirected).toBeGreaterThan(0);
    await expect(t.exists("{mig}:new:0")).rejects.toThrow(/MOVED/); // not owned yet: only reachable with ASKING
    const conn = await PipelineConnection.open({ host: target.host, port: target.port });
    let migratedNew = 0;
    for (let i = 0; i < 300; i++) {
      const [, exists] = await Promise.all([conn.call(["ASKING"]), conn.call(["EXISTS", `{mig}:new:${i}`])]);
      migratedNew += exists as number;
    }
    conn.destroy();
    expect(migratedNew).toBe(300);

    // finish: move the remaining keys, hand the slot over; the writer's map is now stale
    for (;;) {
      const keys = (await s.cluster("GETKEYSINSLOT", slot, 100)) as string[];
      if (keys.length === 0) break;
      await s.migrate(target.host, target.port, "", 0, 5000, "KEYS", ...keys);
    }
    for (const n of await cluster.masters()) await direct(n).cluster("SETSLOT", slot, "NODE", targetId);
    const redirectedBefore = writer.stats.redirected;
    await push(400);
    tag = await produce(writer, Array.from({ length: 300 }, (_, i) => `{mig}:after:${i}`), tag);
    await writer.drained();
    expect(writer.stats.redirected).toBeGreaterThan(redirectedBefore);
    expect(writer.nodeOf("{mig}")).toBe(`127.0.0.1:${target.port}`);
    const list = (await t.lrange("{mig}:list", 0, -1)).map(Number);
    expect(list).toEqual(Array.from({ length: 1200 }, (_, i) => i));
    expect(await t.exists("{mig}:after:299", "{mig}:old:0", "{mig}:new:299")).toBe(3);
    expect(writer.watermark()).toBe(Infinity);
    await writer.close();
  });

  it("retries through a master restart without losing writes", async () => {
    const events: WriterEvent[] = [];
    const writer = await openWriter(parseRedisUri(cluster.uri, "cluster"), { onEvent: (e) => events.push(e), retryMaxMs: 300 });
    const victim = (await cluster.masters())[1];
    const keys = Array.from({ length: 60_000 }, (_, i) => `restart:${i}`);
    let restarting: Promise<void> | null = null;
    let tag = 1;
    for (const k of keys) {
      if (tag === 20_000) restarting = victim.restart();
      if (!writer.write(0, ["SET", k, k], k, tag++, WRITE_REPLAY_SAFE)) await writer.ready();
    }
    await restarting;
    await writer.drained();
    expect(events.some((e) => e.kind === "connection-lost" || e.kind === "retrying")).toBe(true);
    await waitFor(async () => (await info(victim, "", "CLUSTER INFO")).includes("cluster_state:ok"), 20_000, "cluster ok");
    let present = 0;
    for (const n of await cluster.masters()) present += (await direct(n).keys("restart:*")).length;
    expect(present).toBe(60_000);
    await writer.close();
  });
});
