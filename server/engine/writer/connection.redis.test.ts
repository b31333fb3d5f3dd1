import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, stopAll, type RedisNode } from "../../testing/redis-harness";
import { DtsError } from "../../errors";
import { ReplyError, type RespValue } from "../resp/values";
import { encodeCommand } from "../resp/encoder";
import { PipelineConnection, type UnansweredCommand } from "./connection";
import type { RingEntry } from "./command-ring";
import { RestoreCommand } from "../loader/restore-command";
import type { RdbKeyEvent } from "../rdb/types";

let node: RedisNode;
beforeAll(async () => {
  node = await startRedis({ password: "s3cret", aclUsers: { loader: "on >pw2 ~* &* +@all" } });
});
afterAll(stopAll);

const target = () => ({ host: node.host, port: node.port, password: "s3cret" });

interface Recorder {
  replies: { reply: RespValue; tag: number }[];
  closed?: { err: DtsError; unanswered: UnansweredCommand[] };
  drains: number;
}
function attach(conn: PipelineConnection): Recorder {
  const rec: Recorder = { replies: [], drains: 0 };
  conn.sink = {
    onReply: (reply: RespValue, e: RingEntry) => void rec.replies.push({ reply, tag: e.tag }),
    onDrain: () => void rec.drains++,
    onClose: (err, unanswered) => void (rec.closed = { err, unanswered }),
  };
  return rec;
}
const until = async (check: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe("PipelineConnection", () => {
  it("pipelines many commands and matches replies in order", async () => {
    const conn = await PipelineConnection.open(target());
    const rec = attach(conn);
    const n = 30_000;
    for (let i = 0; i < n; i++) conn.write(["SET", `p:${i}`, Buffer.from(String(i * 7))], i);
    await until(() => rec.replies.length === n);
    expect(rec.replies.every((r, i) => r.tag === i && r.reply === "OK")).toBe(true);
    expect(conn.answered).toBe(n);
    const c = node.client();
    await c.auth("s3cret");
    expect(await c.get("p:12345")).toBe(String(12345 * 7));
    expect(await c.dbsize()).toBe(n);
    conn.destroy();
  });

  it("gives a reply error to its one command only", async () => {
    const conn = await PipelineConnection.open(target());
    const rec = attach(conn);
    conn.write(["SET", "e:1", "abc"], 1);
    conn.write(["INCR", "e:1"], 2);
    conn.write(["SET", "e:2", "x"], 3);
    conn.writeEncoded(encodeCommand(["GET", "e:2"]), 4);
    await until(() => rec.replies.length === 4);
    expect(rec.replies[0].reply).toBe("OK");
    expect(rec.replies[1].reply).toBeInstanceOf(ReplyError);
    expect((rec.replies[1].reply as ReplyError).code).toBe("ERR");
    expect(rec.replies[2].reply).toBe("OK");
    expect(String(rec.replies[3].reply)).toBe("x");
    expect(conn.open).toBe(true);
    conn.destroy();
  });

  it("authenticates ACL users and reports a refused password without it", async () => {
    const acl = await PipelineConnection.open({ host: node.host, port: node.port, username: "loader", password: "pw2" });
    expect(await acl.call(["ACL", "WHOAMI"])).toEqual(Buffer.from("loader"));
    acl.destroy();
    const err = await PipelineConnection.open({ host: node.host, port: node.port, password: "wrong-pass" }).catch((e) => e);
    expect(err).toBeInstanceOf(DtsError);
    expect(err.code).toBe("AUTH_FAILED");
    expect(err.message).not.toContain("wrong-pass");
    const refused = await PipelineConnection.open({ host: "127.0.0.1", port: 1, connectTimeoutMs: 2000 }).catch((e) => e);
    expect(refused.code).toBe("CONNECT_FAILED");
  });

  it("sends SELECT only when the database changes", async () => {
    const conn = await PipelineConnection.open(target());
    const rec = attach(conn);
    const before = Number(/cmdstat_select:calls=(\d+)/.exec(String(await conn.call(["INFO", "commandstats"])))?.[1] ?? 0);
    for (let i = 0; i < 100; i++) {
      conn.select(i < 50 ? 3 : 4);
      conn.write(["SET", `s:${i}`, "v"], i);
    }
    await until(() => rec.replies.length === 100);
    const after = Number(/cmdstat_select:calls=(\d+)/.exec(String(await conn.call(["INFO", "commandstats"])))?.[1] ?? 0);
    expect(after - before).toBe(2);
    conn.select(3);
    expect(await conn.call(["DBSIZE"])).toBe(50);
    conn.destroy();
  });

  it("keeps large and small commands in order", async () => {
    const conn = await PipelineConnection.open({ ...target(), stagingBytes: 4096 });
    const rec = attach(conn);
    conn.select(5);
    const big = Buffer.alloc(100_000, 98);
    for (let i = 0; i < 200; i++) conn.write(["RPUSH", "order", i % 10 === 0 ? big : String(i)], i);
    await until(() => rec.replies.length === 200);
    const list = (await conn.call(["LRANGE", "order", "0", "-1"])) as Buffer[];
    expect(list.length).toBe(200);
    list.forEach((item, i) => expect(i % 10 === 0 ? item.equals(big) : item.toString() === String(i)).toBe(true));
    conn.destroy();
  });

  it("bounds in-flight commands and bytes, and drains", async () => {
    const conn = await PipelineConnection.open({ ...target(), maxInFlightCommands: 500, maxInFlightBytes: 64 * 1024 });
    const rec = attach(conn);
    let maxCommands = 0;
    let maxBytes = 0;
    const value = Buffer.alloc(300, 97);
    for (let i = 0; i < 20_000; ) {
      const room = conn.write(["SET", `b:${i}`, value], i++);
      maxCommands = Math.max(maxCommands, conn.inFlightCommands);
      maxBytes = Math.max(maxBytes, conn.inFlightBytes);
      if (!room) await new Promise<void>((resolve) => (conn.sink = { ...conn.sink, onDrain: () => (rec.drains++, resolve()) }));
    }
    await until(() => conn.inFlightCommands === 0);
    expect(maxCommands).toBeLessThanOrEqual(500);
    expect(maxBytes).toBeLessThanOrEqual(64 * 1024 + 400);
    expect(rec.drains).toBeGreaterThan(10);
    conn.destroy();
  });

  it("refills its in-flight window from answered staging buffers instead of fresh ones", async () => {
    // 16 staging buffers fit the in-flight bound; the writer resumes at half of it
    const conn = await PipelineConnection.open({ ...target(), stagingBytes: 4096, maxInFlightBytes: 64 * 1024 });
    const buffers = new Set<ArrayBufferLike>();
    let drained: (() => void) | null = null;
    let replies = 0;
    conn.sink = {
      onReply: (_reply: RespValue, e: RingEntry) => void (buffers.add(e.bytes().buffer), replies++),
      onDrain: () => drained?.(),
      onClose: () => {},
    };
    const value = Buffer.alloc(300, 97);
    const n = 20_000;
    for (let i = 0; i < n; ) {
      if (!conn.write(["SET", `s:${i}`, value], i++)) await new Promise<void>((resolve) => (drained = resolve));
    }
    await until(() => replies === n);
    // ~1,600 staging buffers' worth of commands went through at most the window's buffers and a spare
    // or two (with 8 spares kept, half of every refill was a fresh buffer: hundreds)
    expect(buffers.size).toBeLessThanOrEqual(20);
    conn.destroy();
  });

  it("fails every pending command when the server dies mid-pipeline, after reporting the answered ones", async () => {
    const victim = await startRedis();
    const conn = await PipelineConnection.open({ host: victim.host, port: victim.port });
    const rec = attach(conn);
    const n = 300_000;
    const value = Buffer.alloc(64, 120);
    let written = 0;
    for (; written < 20_000; written++) conn.write(["SET", `k:${written}`, value], written);
    await until(() => rec.replies.length > 1000);
    const killed = victim.kill();
    for (; written < n && conn.open; written++) {
      conn.write(["SET", `k:${written}`, value], written);
      if (written % 5000 === 0) await new Promise((r) => setImmediate(r));
    }
    await killed;
    await until(() => rec.closed !== undefined);
    const { err, unanswered } = rec.closed!;
    expect(err.code).toBe("CONNECT_FAILED");
    expect(unanswered.length).toBeGreaterThan(0);
    expect(rec.replies.length + unanswered.length).toBe(written);
    expect(conn.answered).toBe(rec.replies.length);
    expect(rec.replies.every((r, i) => r.tag === i)).toBe(true);
    unanswered.forEach((u, i) => expect(u.tag).toBe(rec.replies.length + i));
    expect(unanswered[0].bytes.toString()).toContain(`k:${rec.replies.length}\r\n`);
    expect(() => conn.write(["PING"])).toThrow(DtsError);
    await expect(conn.call(["PING"])).rejects.toBeInstanceOf(DtsError);
  });
  it("hands back whole RESTOREs when it breaks before a flush: the footers that wait for the flush are written first", async () => {
    const c = node.client();
    await c.auth("s3cret");
    const keys = Array.from({ length: 50 }, (_, i) => `footer:${i}`);
    for (const k of keys) await c.hset(k, Object.fromEntries(Array.from({ length: 5 + (k.length % 7) }, (_, j) => [`f${j}`, `${k}-value-${j}`])));
    const dumps = await Promise.all(keys.map((k) => c.dumpBuffer(k)));
    await c.del(...keys);
    const conn = await PipelineConnection.open(target());
    const rec = attach(conn);
    const cmd = new RestoreCommand();
    dumps.forEach((d, i) => {
      // the payload without its version and footer, as the RDB parser hands it out
      const e = { kind: "key", key: Buffer.from(keys[i]), raw: d.subarray(0, d.length - 10), rdbType: d[0], valueBuf: null } as unknown as RdbKeyEvent;
      conn.writeEncoded(cmd.set(e, 0, d.readUInt16LE(d.length - 10), false, false, undefined, undefined), i);
    });
    // closed in the same tick: nothing was flushed, every command comes back, and a sink may copy
    // them at once (before the flush that was scheduled runs)
    conn.destroy();
    expect(rec.closed!.unanswered.length).toBe(keys.length);
    const copies = rec.closed!.unanswered.map((u) => Buffer.from(u.bytes));
    const again = await PipelineConnection.open(target());
    const rec2 = attach(again);
    copies.forEach((bytes, i) => again.writeEncoded(bytes, i));
    await until(() => rec2.replies.length === keys.length);
    // a wrong footer is refused: "ERR DUMP payload version or checksum are wrong"
    expect(rec2.replies.map((r) => r.reply)).toEqual(keys.map(() => "OK"));
    for (const k of keys) expect(await c.hlen(k)).toBe(5 + (k.length % 7));
    again.destroy();
  });

  it("reuses staging buffers only once their commands are answered: every value lands intact, a refused command is reported as sent", async () => {
    const conn = await PipelineConnection.open({ ...target(), stagingBytes: 4096, maxInFlightCommands: 200 });
    const refused: string[] = [];
    let replies = 0;
    let drained: () => void = () => {};
    conn.sink = {
      onReply: (reply: RespValue, e: RingEntry) => {
        replies++;
        // kept past the callback, as the writer keeps what it resends or reports
        if (reply instanceof ReplyError) refused.push(Buffer.from(e.bytes()).toString("latin1"));
      },
      onDrain: () => drained(),
      onClose: () => {},
    };
    const n = 20_000;
    const value = (i: number) => `v${i}:`.padEnd(40 + (i % 50), String.fromCharCode(97 + (i % 26)));
    conn.write(["SET", "r:text", "not a number"]);
    for (let i = 0; i < n; i++) {
      if (i % 997 === 0) conn.write(["INCRBY", "r:text", String(i)], i);
      if (!conn.write(["SET", `r:${i}`, value(i)], i)) await new Promise<void>((r) => (drained = r));
    }
    const incrs = Math.ceil(n / 997);
    await until(() => replies === 1 + n + incrs);
    const c = node.client();
    await c.auth("s3cret");
    for (let i = 0; i < n; i += 37) expect(await c.get(`r:${i}`)).toBe(value(i));
    expect(refused).toEqual(Array.from({ length: incrs }, (_, k) => encodeCommand(["INCRBY", "r:text", String(k * 997)]).toString("latin1")));
    conn.destroy();
  });
});
