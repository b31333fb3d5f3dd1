import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { startRedis, stopAll, waitFor } from "../../testing/redis-harness";
import { TcpProxy } from "../../testing/tcp-proxy";
import { parseRedisUri } from "../endpoint";
import { openWriter } from "./open-writer";
import { WRITE_REPLAY_SAFE, type CommandFailure, type WriterEvent } from "./types";

afterAll(stopAll);

async function produce(writer: Awaited<ReturnType<typeof openWriter>>, n: number, make: (i: number) => { db: number; argv: (string | Buffer)[]; key: string; flags?: number }) {
  for (let i = 0; i < n; i++) {
    const c = make(i);
    if (!writer.write(c.db, c.argv, c.key, i + 1, c.flags ?? 0)) await writer.ready();
  }
}

describe("standalone destination writer", () => {
  it("sends big values by reference: exact on the server, named in a refusal, resent whole after a lost connection", async () => {
    const node = await startRedis();
    const proxy = await TcpProxy.start({ host: "127.0.0.1", port: node.port });
    const failures: CommandFailure[] = [];
    const writer = await openWriter(parseRedisUri(proxy.uri()), { onCommandError: (f) => failures.push(f), retryMaxMs: 200 });
    const c = node.client();
    await c.rpush("a:list", "x");
    const MB = 1024 * 1024;
    const value = randomBytes(3 * MB + 5);
    // in 1 MB pieces, as the loader sends a big string
    const pieces = [0, 1, 2, 3].map((i) => value.subarray(i * MB, (i + 1) * MB));
    let tag = 0;
    const send = () => pieces.forEach((p, i) => writer.write(0, ["SETRANGE", "big", String(i * MB), p], "big", ++tag, WRITE_REPLAY_SAFE));
    send();
    writer.write(0, ["SETRANGE", "a:list", "0", pieces[0]], "a:list", ++tag);
    await writer.drained();
    expect((await c.getBuffer("big"))!.equals(value)).toBe(true);
    expect(failures.map((f) => [f.error.code, f.argv[0].toString(), f.argv[3].equals(pieces[0])])).toEqual([["WRONGTYPE", "SETRANGE", true]]);
    // the connection breaks before any reply: every piece is unanswered, and resent
    await c.del("big");
    send();
    proxy.dropAll();
    await writer.drained();
    expect(writer.stats.reconnects).toBeGreaterThan(0);
    expect(writer.stats.retried).toBeGreaterThanOrEqual(pieces.length);
    expect((await c.getBuffer("big"))!.equals(value)).toBe(true);
    await writer.close();
    await proxy.close();
  });

  it("writes to several databases, reports command errors to their command and a watermark", async () => {
    const node = await startRedis({ password: "pw" });
    const failures: CommandFailure[] = [];
    const writer = await openWriter(parseRedisUri(`redis://:pw@127.0.0.1:${node.port}`), { onCommandError: (f) => failures.push(f) });
    expect(writer.mode).toBe("standalone");
    expect(writer.server.version).toMatch(/^\d+\.\d+/);
    await produce(writer, 10_000, (i) => ({ db: i % 3, argv: ["SET", `k:${i}`, String(i)], key: `k:${i}` }));
    writer.write(1, ["LPUSH", "k:1", "x"], "k:1", 10_001); // k:1 is a string in db 1: WRONGTYPE
    expect(writer.watermark()).toBeLessThanOrEqual(10_001);
    await writer.drained();
    expect(writer.watermark()).toBe(Infinity);
    expect(failures.map((f) => [f.error.code, f.tag, f.argv[1].toString()])).toEqual([["WRONGTYPE", 10_001, "k:1"]]);
    expect(writer.stats.acknowledged).toBe(10_001);
    const c = node.client();
    await c.auth("pw");
    for (const db of [0, 1, 2]) {
      await c.select(db);
      expect(await c.dbsize()).toBe(db === 0 ? 3334 : 3333);
    }
    await c.select(9997 % 3);
    expect(await c.get("k:9997")).toBe("9997");
    await writer.close();
  });

  it("retries writes refused with OOM until memory is raised, without loss or reordering", async () => {
    const node = await startRedis({ config: { maxmemory: "3mb", "maxmemory-policy": "noeviction" } });
    const events: WriterEvent[] = [];
    const hazards = new Set<string>();
    const writer = await openWriter(parseRedisUri(node.uri), { onEvent: (e) => events.push(e), retryMaxMs: 200, onOrderHazard: (h) => hazards.add(h.argv[1].toString()) });
    const c = node.client();
    let raised = false;
    let watermarkChecked = false;
    // raise memory from the side once the writer reports it is being refused
    const raiser = (async () => {
      await waitFor(() => events.some((e) => e.kind === "retrying"), 30_000, "an OOM retry event");
      // while refused, everything below the watermark really is on the server
      const w = writer.watermark();
      expect(w).toBeLessThan(Infinity);
      const newestSet = (w - 1) % 2 === 1 ? w - 1 : w - 2; // SETs carry odd tags (tag = i + 1, i even)
      if (newestSet >= 1) expect(await c.exists(`big:${newestSet - 1}`)).toBe(1);
      watermarkChecked = true;
      await new Promise((r) => setTimeout(r, 300));
      await c.config("SET", "maxmemory", "0");
      raised = true;
    })();
    const value = Buffer.alloc(512, 118);
    for (let i = 0; i < 20_000; i++) {
      const list = `list:${i % 7}`;
      const room = i % 2 === 0 ? writer.write(0, ["SET", `big:${i}`, value], `big:${i}`, i + 1, WRITE_REPLAY_SAFE) : writer.write(0, ["RPUSH", list, String(i)], list, i + 1);
      if (!room) await writer.ready();
    }
    await raiser;
    await writer.drained();
    expect(raised).toBe(true);
    expect(watermarkChecked).toBe(true);
    expect(events.find((e) => e.kind === "retrying")?.message).toMatch(/^destination refuses writes: .*OOM.*, retrying$/);
    expect(writer.stats.retried).toBeGreaterThan(0);
    expect(writer.stats.errors).toBe(0);
    // nothing lost or duplicated; the order is exact unless the writer reported a hazard for that list
    // (OOM is not sticky: as reply buffers free memory, a later pipelined RPUSH can be accepted
    // before the refused one is retried, and no client can prevent that)
    for (let l = 0; l < 7; l++) {
      const items = (await c.lrange(`list:${l}`, 0, -1)).map(Number);
      const expected: number[] = [];
      for (let i = 1; i < 20_000; i += 2) if (i % 7 === l) expected.push(i);
      expect([...items].sort((a, b) => a - b)).toEqual(expected);
      if (!hazards.has(`list:${l}`)) expect(items).toEqual(expected);
    }
    for (const key of hazards) expect(key).toMatch(/^(list|big):/);
    expect(writer.stats.orderHazards).toBeGreaterThanOrEqual(hazards.size);
    expect(await c.dbsize()).toBe(10_000 + 7);
    await writer.close();
  });

  it("survives a restart of the destination, resending replay-safe commands", async () => {
    const node = await startRedis({ config: { appendonly: "yes", appendfsync: "always" } });
    const events: WriterEvent[] = [];
    const writer = await openWriter(parseRedisUri(node.uri), { onEvent: (e) => events.push(e), retryMaxMs: 200 });
    let restarted: Promise<void> | null = null;
    await produce(writer, 60_000, (i) => {
      if (i === 20_000) restarted = node.restart();
      return { db: i % 2, argv: ["SET", `r:${i}`, String(i)], key: `r:${i}`, flags: WRITE_REPLAY_SAFE };
    });
    await restarted;
    await writer.drained();
    expect(writer.stats.reconnects).toBeGreaterThan(0);
    expect(events.some((e) => e.kind === "connection-lost")).toBe(true);
    const c = node.client();
    await waitFor(async () => (await c.ping()) === "PONG", 10_000, "ping");
    let total = 0;
    for (const db of [0, 1]) {
      await c.select(db);
      total += await c.dbsize();
    }
    expect(total).toBe(60_000);
    await c.select(1);
    expect(await c.get("r:59999")).toBe("59999");
    await writer.close();
  });

  it("fails clearly when commands of unknown outcome are not safe to resend, or resends when told to", async () => {
    const node = await startRedis();
    const failing = await openWriter(parseRedisUri(node.uri), { retryMaxMs: 100 });
    for (let i = 0; i < 5000; i++) failing.write(0, ["RPUSH", "l", String(i)], "l", i + 1);
    await node.kill();
    await expect(failing.drained()).rejects.toMatchObject({ code: "WRITE_REFUSED" });
    expect(failing.failure?.message).toMatch(/unknown outcome/);
    await node.restart();
    let asked = 0;
    const resending = await openWriter(parseRedisUri(node.uri), { retryMaxMs: 100, onUncertain: (cmds) => ((asked += cmds.length), "resend") });
    for (let i = 0; i < 5000; i++) resending.write(0, ["INCR", "n"], "n", i + 1);
    const kill = node.kill();
    await kill;
    await node.restart();
    await resending.drained();
    expect(asked).toBeGreaterThan(0);
    // the server restarted empty: exactly the resent increments are there, once each
    expect(Number(await node.client().get("n"))).toBe(asked);
    await resending.close();
  });

  it("stops waiting when destroyed while it retries a node that is gone", async () => {
    const node = await startRedis();
    const events: WriterEvent[] = [];
    const writer = await openWriter(parseRedisUri(node.uri), { retryMaxMs: 100, onEvent: (e) => events.push(e) });
    await node.kill();
    for (let i = 0; i < 100; i++) writer.write(0, ["SET", `c:${i}`, "v"], `c:${i}`, i + 1, WRITE_REPLAY_SAFE);
    await waitFor(() => events.some((e) => e.kind === "retrying"), 10_000, "a retry event");
    expect(writer.full).toBe(true);
    const waiting = writer.ready();
    expect(writer.watermark()).toBe(1);
    writer.destroy();
    await expect(waiting).rejects.toMatchObject({ code: "CANCELLED" });
    await expect(writer.drained()).rejects.toMatchObject({ code: "CANCELLED" });
    expect(() => writer.write(0, ["PING"], null)).toThrow(/closed/);
  });

  it("fails with the server's reason when a database does not exist there", async () => {
    const node = await startRedis({ config: { databases: "4" } });
    const writer = await openWriter(parseRedisUri(node.uri));
    writer.write(0, ["SET", "a", "1"], "a", 1);
    writer.write(9, ["SET", "b", "1"], "b", 2);
    await expect(writer.drained()).rejects.toThrow(/refused SELECT.*out of range/i);
    expect(writer.failure?.code).toBe("WRITE_REFUSED");
  });

  it("refuses a cluster or a replica when the operator said standalone", async () => {
    const master = await startRedis();
    const replica = await startRedis({ config: { replicaof: `127.0.0.1 ${master.port}` } });
    await expect(openWriter(parseRedisUri(replica.uri))).rejects.toMatchObject({ code: "WRITE_REFUSED" });
    await expect(openWriter(parseRedisUri(master.uri, "cluster"))).rejects.toMatchObject({ code: "INVALID_CONFIG" });
  });
});
