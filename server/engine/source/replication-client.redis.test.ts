import { afterAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { info, startRedis, stopAll, waitFor, type RedisNode } from "../../testing/redis-harness";
import { record, until, type Recording } from "./recording-handler.test-helper";

afterAll(stopAll);

const spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), "repl-client-test-"));
afterAll(() => fs.rmSync(spoolDir, { recursive: true, force: true }));

const field = (text: string, name: string) => new RegExp(`^${name}:(.*)$`, "m").exec(text)?.[1]?.trim();
const masterOffset = async (node: RedisNode) => Number(field(await info(node, "replication"), "master_repl_offset"));
const stat = async (node: RedisNode, name: string) => Number(field(await info(node, "stats"), name));

/** what a real redis-server loads from the RDB bytes we received: the independent oracle */
async function loadIntoFreshServer(rdb: Buffer): Promise<RedisNode> {
  const node = await startRedis();
  await node.stop();
  fs.writeFileSync(path.join(node.dir, "dump.rdb"), rdb);
  await node.restart();
  return node;
}

async function seed(node: RedisNode, n: number): Promise<void> {
  const c = node.client();
  const p = c.pipeline();
  for (let i = 0; i < n; i++) p.set(`k:${i}`, `v${i}`.repeat(5));
  p.hset("h", { a: "1", b: "2" });
  p.rpush("l", "x", "y", "z");
  p.select(2);
  p.set("in-db-2", "yes");
  await p.exec();
  c.disconnect();
}

async function idle(node: RedisNode, rec: Recording): Promise<number> {
  // Idle once the master stops moving and we reached its offset (its PINGs keep moving it).
  let offset = -1;
  await until(async () => {
    offset = await masterOffset(node);
    return rec.lastOffset === offset;
  }, `our offset to reach master_repl_offset (${offset}, we are at ${rec.lastOffset})`);
  return offset;
}

describe("replication client against redis-server 7.0", () => {
  for (const diskless of ["yes", "no"] as const) {
    it(`full resync with repl-diskless-sync ${diskless} (${diskless === "yes" ? "$EOF:" : "$len"}), then commands with exact offsets`, async () => {
      const master = await startRedis({ config: { "repl-diskless-sync": diskless, "repl-ping-replica-period": "1" } });
      await seed(master, 500);
      const rec = record({ host: master.host, port: master.port, spoolDir });
      await until(() => rec.rdbEnds === 1, "the RDB");
      expect(rec.full[0].transfer).toBe(diskless === "yes" ? "eof" : "length");
      expect(rec.full[0].protocol).toBe("psync2");
      expect(rec.full[0].replid).toBe(field(await info(master, "replication"), "master_replid"));
      if (diskless === "no") expect(rec.full[0].rdbLength).toBe(rec.rdbBytes().length);
      const rdb = rec.rdbBytes();
      expect(rdb.subarray(0, 5).toString()).toBe("REDIS");

      const copy = await loadIntoFreshServer(rdb);
      const cc = copy.client();
      expect(await cc.dbsize()).toBe(502);
      expect(await cc.get("k:499")).toBe("v499".repeat(5));
      expect(await cc.lrange("l", 0, -1)).toEqual(["x", "y", "z"]);
      await cc.select(2);
      expect(await cc.get("in-db-2")).toBe("yes");

      const c = master.client();
      await c.set("after", "1");
      await c.incr("n");
      await c.eval("redis.call('set', KEYS[1], ARGV[1])", 1, "from-script", "v");
      await c.multi().set("m1", "a").set("m2", "b").exec();
      await c.select(3);
      await c.set("in-3", "x");
      const offset = await idle(master, rec);
      expect(rec.lastOffset).toBe(offset);

      const cmds = rec.argvs();
      expect(cmds).toContainEqual(["set", "after", "1"]);
      expect(cmds).toContainEqual(["incr", "n"]);
      const in3 = rec.commands.find((x) => x.argv[1]?.toString() === "in-3")!;
      expect(in3.db).toBe(3);
      expect(rec.commands.find((x) => x.argv[1]?.toString() === "after")!.db).toBe(0);
      // offsets are contiguous from the FULLRESYNC offset: every byte is a command or control
      const all = [...rec.commands, ...rec.controls].sort((a, b) => a.startOffset - b.startOffset);
      expect(all[0].startOffset).toBe(rec.full[0].offset);
      for (let i = 1; i < all.length; i++) expect(all[i].startOffset).toBe(all[i - 1].endOffset);
      // the master's PING (every second here) is a control that advances the offset
      await until(() => rec.controls.some((x) => x.argv[0].toString().toLowerCase() === "ping"), "a master PING");
      expect(rec.lastOffset).toBe(await idle(master, rec));

      rec.client.close();
      expect(await rec.ended).toBeNull();
      expect(fs.readdirSync(spoolDir)).toEqual([]);
    });
  }

  it("acknowledges what the consumer applied (visible in the master's INFO), never more", async () => {
    const master = await startRedis({ config: { "repl-ping-replica-period": "1" } });
    let applied = 0;
    const rec = record({ host: master.host, port: master.port, spoolDir, listeningPort: 4242, appliedOffset: () => applied, ackIntervalMs: 100 });
    await until(() => rec.rdbEnds === 1, "the RDB");
    const c = master.client();
    for (let i = 0; i < 20; i++) await c.set(`a${i}`, "x");
    const offset = await idle(master, rec);
    const slaveLine = async () => field(await info(master, "replication"), "slave0") ?? "";
    // the consumer says it applied only up to the first command
    applied = rec.commands[0].endOffset;
    await waitFor(async () => (await slaveLine()).includes(`offset=${applied},`), 5000, "ACK of the partial applied offset");
    expect(await slaveLine()).toContain("port=4242");
    applied = offset;
    await waitFor(async () => (await slaveLine()).includes(`offset=${offset},`), 5000, "ACK of the full applied offset");
    // a consumer claiming more than it received is clamped to what was received
    applied = offset + 1_000_000;
    await new Promise((r) => setTimeout(r, 300));
    const acked = Number(/offset=(\d+)/.exec(await slaveLine())![1]);
    expect(acked).toBeLessThanOrEqual(await masterOffset(master));
    rec.client.close();
  });
});
