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

/** Asserts that our offset catches up exactly with the master's (its PINGs keep moving it). */
async function idle(node: RedisNode, rec: Recording): Promise<number> {
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
      expect(rec.full[0].protocol).toBe("psync");
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
      await idle(master, rec);

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
      await idle(master, rec);

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

  it("answers the GETACK a master sends for WAIT with the applied offset", async () => {
    const master = await startRedis();
    let applied = 0;
    const rec = record({ host: master.host, port: master.port, spoolDir, ackIntervalMs: 60_000, appliedOffset: () => applied });
    await until(() => rec.rdbEnds === 1, "the RDB");
    const c = master.client();
    await c.set("w", "1");
    await until(() => rec.commands.length === 1, "the SET");
    // nothing applied: WAIT times out with 0 replicas although the bytes were received
    expect(await c.call("WAIT", "1", "300")).toBe(0);
    applied = rec.lastOffset;
    await c.set("w", "2");
    await until(() => rec.commands.length === 2, "the second SET");
    applied = rec.commands[1].endOffset;
    // WAIT makes the master send REPLCONF GETACK; only our answer can satisfy it within 5 s
    expect(await c.call("WAIT", "1", "5000")).toBe(1);
    expect(rec.controls.some((x) => x.argv[0].toString().toUpperCase() === "REPLCONF" && x.argv[1].toString().toUpperCase() === "GETACK")).toBe(true);
    rec.client.close();
  });

  it("refuses clearly: wrong password, and an ACL user without PSYNC (-NOPERM)", async () => {
    const master = await startRedis({ password: "right", aclUsers: { reader: "on >pw ~* &* +@all -psync -sync" } });
    const wrong = await record({ host: master.host, port: master.port, spoolDir, password: "nope" }).ended;
    expect(wrong).toMatchObject({ code: "AUTH_FAILED" });
    expect(wrong!.message).toMatch(/^authentication to the source 127\.0\.0\.1:\d+ failed: wrong password/);
    const noPerm = await record({ host: master.host, port: master.port, spoolDir, username: "reader", password: "pw" }).ended;
    expect(noPerm).toMatchObject({ code: "AUTH_FAILED" });
    expect(noPerm!.message).toMatch(/user has no permission to run PSYNC/);
    expect(fs.readdirSync(spoolDir)).toEqual([]);
  });

  it("resumes with +CONTINUE from a checkpoint: no full sync, sync_partial_ok grows, the db carries over", async () => {
    const master = await startRedis();
    const first = record({ host: master.host, port: master.port, spoolDir });
    await until(() => first.rdbEnds === 1, "the RDB");
    const c = master.client();
    await c.select(3);
    await c.set("before", "1");
    const offset = await idle(master, first);
    const checkpoint = { replid: first.full[0].replid, offset, db: first.commands.at(-1)!.db };
    expect(checkpoint.db).toBe(3);
    first.client.close();
    await first.ended;
    const fullBefore = await stat(master, "sync_full");
    const partialBefore = await stat(master, "sync_partial_ok");

    // written while we are away: same db, so the master sends no SELECT before them
    await c.set("while-away", "2");
    await c.incrby("counter", 5);
    const second = record({ host: master.host, port: master.port, spoolDir, checkpoint });
    await until(() => second.commands.length >= 2, "the commands written while away");
    expect(second.full).toEqual([]);
    expect(second.continued[0]).toMatchObject({ replid: checkpoint.replid, previousReplid: checkpoint.replid, offset, protocol: "psync2" });
    const firstDelivered = [...second.controls, ...second.commands].sort((a, b) => a.startOffset - b.startOffset)[0];
    expect(firstDelivered.startOffset).toBe(offset);
    expect(second.argvs().slice(0, 2)).toEqual([["set", "while-away", "2"], ["incrby", "counter", "5"]]);
    expect(second.commands.map((x) => x.db)).toEqual([3, 3]);
    expect(await stat(master, "sync_partial_ok")).toBe(partialBefore + 1);
    expect(await stat(master, "sync_full")).toBe(fullBefore);
    await idle(master, second);
    second.client.close();
  });

  it("is not dropped as a slow replica: a slow consumer during a big RDB and a write load spills to disk with bounded memory", async () => {
    // The master keeps the writes made during a full sync in the replica's output buffer until the
    // transfer is over, and drops a replica past client-output-buffer-limit. The transfer must end
    // at network speed whatever the consumer's pace. (Asserted directly below: on this kind of
    // machine loopback sockets buffer ~36 MB in the kernel, which would hide a client that paused
    // its socket with a small RDB.)
    const master = await startRedis({
      config: { "enable-debug-command": "yes", "client-output-buffer-limit": "replica 4mb 2mb 2", "repl-ping-replica-period": "1" },
    });
    const c = master.client();
    await c.call("DEBUG", "POPULATE", "250000", "key", "100");
    const memoryLimit = 2 << 20;
    let rec!: Recording;
    const throttle = (bytes: number, bytesPerMs: number) => {
      rec.client.pause();
      setTimeout(() => rec.client.resume(), Math.max(1, Math.round(bytes / bytesPerMs)));
    };
    let delivered = 0;
    let consumed = 0;
    let receivedAtHalf = -1;
    let receivedRdbTotal = -1;
    rec = record(
      { host: master.host, port: master.port, spoolDir, spoolMemoryLimit: memoryLimit },
      {
        fullResync: () => (consumed = 0),
        rdbData: (chunk) => {
          consumed += chunk.length;
          const stats = rec.client.stats();
          if (receivedAtHalf < 0 && stats.state === "streaming" && consumed * 2 >= stats.rdbBytesReceived) receivedAtHalf = consumed;
          throttle(chunk.length, 2_000); // ~2 MB/s: ~4 s for this RDB
        },
        rdbEnd: ({ bytes }) => (receivedRdbTotal = bytes),
        command: () => {
          if (++delivered % 100 === 0) throttle(100_000, 1_000); // ~1000 commands/s
        },
      },
    );
    // writes made before the fork are in the RDB, not in the stream
    await until(() => rec.full.length === 1, "FULLRESYNC");
    let writes = 0;
    const value = "w".repeat(10_000);
    const w = master.client();
    // ~3 MB/s of writes (12 MB while the consumer crawls through the RDB: 3x the hard limit)
    while (rec.rdbEnds === 0 && writes < 6000) {
      const p = w.pipeline();
      for (let i = 0; i < 15; i++) p.set(`w:${writes++}`, value);
      await p.exec();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(rec.endedWith).toBeUndefined();
    expect(writes).toBeGreaterThan(600);
    // the socket had the whole RDB before the consumer was half-way through it
    expect(receivedRdbTotal).toBeGreaterThan(5 << 20);
    expect(receivedAtHalf).toBeGreaterThan(0);
    expect(receivedAtHalf).toBeLessThanOrEqual(receivedRdbTotal / 2 + 128 * 1024);
    await until(() => rec.commands.filter((x) => x.argv[1]?.toString().startsWith("w:")).length === writes, "every write", 60_000);
    await idle(master, rec);

    expect(rec.endedWith).toBeUndefined();
    expect(await stat(master, "sync_full")).toBe(1);
    expect(field(await info(master, "replication"), "connected_slaves")).toBe("1");
    const log = fs.readFileSync(path.join(master.dir, "redis.log"), "utf8");
    expect(log).not.toMatch(/output buffer limits|Connection with replica .* lost/);
    const spool = rec.client.stats().spool;
    expect(spool.spilledBytes).toBeGreaterThan(10 << 20);
    // the memory limit, plus a write and a read block of 1 MiB, plus one socket read
    expect(spool.peakMemoryBytes).toBeLessThanOrEqual(memoryLimit + (2 << 20) + 128 * 1024);
    rec.client.close();
    expect(fs.readdirSync(spoolDir)).toEqual([]);
  }, 120_000);
});
