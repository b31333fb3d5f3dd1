import { afterAll, afterEach, describe, expect, it } from "vitest";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { DtsError } from "../../errors";
import { RdbParser } from "../rdb/parser";
import type { RdbKeyEvent } from "../rdb/types";
import { corpusFile } from "../rdb/corpus.test-helper";
import { resp, startFakeMaster, type FakeMaster, type FakeMasterOptions } from "../../testing/fake-master";
import { record, until, type Recording } from "./recording-handler.test-helper";
import type { ReplicationClientOptions, ReplicationHandler } from "./types";

const spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), "repl-fake-test-"));
afterAll(() => fs.rmSync(spoolDir, { recursive: true, force: true }));

const masters: FakeMaster[] = [];
const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(masters.splice(0).map((m) => m.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const RDB = corpusFile("multiple_databases.rdb").data;
// Short, but with room for a loaded 2-core machine; the timeout tests set their own.
const FAST = { handshakeTimeoutMs: 3000, readTimeoutMs: 5000, connectTimeoutMs: 3000, retryDelayMs: 20, maxRetryDelayMs: 50 };

async function fake(o: Partial<FakeMasterOptions> & Pick<FakeMasterOptions, "style">): Promise<FakeMaster> {
  const m = await startFakeMaster({ rdb: RDB, ...o });
  masters.push(m);
  return m;
}

/** a consumer that parses the RDB it receives, as the sync task does, and reports parser errors */
function parsing(getRec: () => Recording, keys: RdbKeyEvent[]): Partial<ReplicationHandler> {
  let parser: RdbParser | null = null;
  const guard = (fn: () => void) => {
    try {
      fn();
    } catch (err) {
      getRec().client.close(err instanceof DtsError ? err : new DtsError("RDB_CORRUPT", String(err)));
    }
  };
  return {
    fullResync: () => (parser = new RdbParser((e) => e.kind === "key" && keys.push(e))),
    rdbData: (chunk) => guard(() => parser!.write(chunk)),
    rdbEnd: () => guard(() => parser!.end()),
  };
}

function connect(m: FakeMaster, extra: Partial<ReplicationClientOptions> = {}, hooks: Partial<ReplicationHandler> = {}): Recording {
  return record({ host: m.host, port: m.port, spoolDir, ...FAST, ...extra }, hooks);
}

const names = (rec: Recording) => rec.argvs().map((a) => a.join(" "));

function contiguous(rec: Recording, from: number): void {
  const all = [...rec.commands, ...rec.controls].sort((a, b) => a.startOffset - b.startOffset);
  expect(all[0].startOffset).toBe(from);
  for (let i = 1; i < all.length; i++) expect(all[i].startOffset).toBe(all[i - 1].endOffset);
}

describe("replication client against old masters (fake)", () => {
  it("pre-2.8 (no PSYNC, no REPLCONF): falls back to SYNC, counts offsets from 0, never sends REPLCONF ACK", async () => {
    const stream = [["SELECT", "0"], ["SET", "a", "1"], ["PING"], ["LPUSH", "l", "x"]];
    const m = await fake({ style: "sync", stream });
    const keys: RdbKeyEvent[] = [];
    let rec!: Recording;
    rec = connect(m, { ackIntervalMs: 20 }, parsing(() => rec, keys));
    await until(() => rec.commands.length === 2, "the stream");
    // long enough for several ACK periods: an ACK would come back as an error inside the stream
    await new Promise((r) => setTimeout(r, 150));
    expect(rec.full).toEqual([{ replid: "?", offset: 0, protocol: "sync", transfer: "length", rdbLength: RDB.length }]);
    expect(rec.rdbBytes().equals(RDB)).toBe(true);
    expect(keys.length).toBeGreaterThan(0);
    expect(names(rec)).toEqual(["SET a 1", "LPUSH l x"]);
    contiguous(rec, 0);
    expect(rec.lastOffset).toBe(stream.reduce((n, c) => n + resp(...c).length, 0));
    expect(rec.notices.some((n) => n.includes("SYNC"))).toBe(true);
    expect(m.received.map((c) => c[0])).toEqual(["PING", "REPLCONF", "PSYNC", "SYNC"]);
    expect(rec.endedWith).toBeUndefined();
    rec.client.close();
  });

  it("2.8 (PSYNC without psync2, capa refused): $len even though we offer capa eof, then +CONTINUE without replid", async () => {
    const stream = [
      ["SELECT", "1"],
      ["SET", "k", "v"],
      ["EVAL", "redis.call('incr', KEYS[1])", "1", "counter"],
      ["MULTI"], ["INCR", "a"], ["INCR", "b"], ["EXEC"],
      ["PING"],
      ["SELECT", "4"],
      ["DEL", "k"],
    ];
    const m = await fake({ style: "psync", stream, initialOffset: 1000, keepAlives: 2 });
    const keys: RdbKeyEvent[] = [];
    let first!: Recording;
    first = connect(m, {}, parsing(() => first, keys));
    await until(() => first.commands.length === 7, "the stream");
    expect(first.full[0]).toMatchObject({ replid: m.replid, offset: 1000, protocol: "psync", transfer: "length" });
    expect(first.rdbBytes().equals(RDB)).toBe(true);
    // scripts are replicated verbatim (not their effects) and transactions keep their brackets
    expect(names(first)).toEqual(["SET k v", "EVAL redis.call('incr', KEYS[1]) 1 counter", "MULTI", "INCR a", "INCR b", "EXEC", "DEL k"]);
    expect(first.commands.map((c) => c.db)).toEqual([1, 1, 1, 1, 1, 1, 4]);
    contiguous(first, 1000);
    expect(first.lastOffset).toBe(m.offset());
    await until(() => m.acks.includes(m.offset()), "an ACK of the applied offset");
    expect(Math.max(...m.acks)).toBeLessThanOrEqual(m.offset());
    const checkpoint = { replid: first.full[0].replid, offset: first.lastOffset, db: 4 };
    first.client.close();

    m.write(["SET", "later", "1"]);
    const second = connect(m, { checkpoint });
    await until(() => second.commands.length === 1, "the command written while away");
    expect(second.full).toEqual([]);
    expect(second.continued).toEqual([{ replid: m.replid, previousReplid: m.replid, offset: checkpoint.offset, protocol: "psync" }]);
    expect(second.commands[0]).toMatchObject({ db: 4, startOffset: checkpoint.offset });
    expect(m.partialSyncs).toBe(1);
    expect(m.fullSyncs).toBe(1);
    second.client.close();
  });

  it("4.0-6.x diskless ($EOF:): keep-alives, the stream starts only after our first ACK, RDB parsed", async () => {
    const m = await fake({ style: "psync2", diskless: true, keepAlives: 3, stream: [["SELECT", "0"], ["SET", "x", "1"]] });
    const keys: RdbKeyEvent[] = [];
    let rec!: Recording;
    rec = connect(m, { ackIntervalMs: 60_000 }, parsing(() => rec, keys));
    await until(() => rec.commands.length === 1, "the stream after the first ACK");
    expect(rec.full[0]).toMatchObject({ protocol: "psync", transfer: "eof", rdbLength: null });
    expect(rec.rdbBytes().equals(RDB)).toBe(true);
    expect(rec.order.slice(0, 2)).toEqual(["full 1", `rdbEnd ${RDB.length}`]);
    expect(new Set(keys.map((k) => k.db)).size).toBeGreaterThan(1);
    expect(m.acks.length).toBeGreaterThanOrEqual(1);
    m.write(["SET", "y", "2"]);
    await until(() => rec.commands.length === 2, "a live write");
    expect(rec.lastOffset).toBe(m.offset());
    rec.client.close();
  });

  it("3.x (takes capa eof, ignores capa psync2): diskless transfer, then +CONTINUE without replid", async () => {
    const m = await fake({ style: "psync3", diskless: true, stream: [["SET", "a", "1"]] });
    const first = connect(m);
    await until(() => first.commands.length === 1, "the stream");
    expect(first.full[0]).toMatchObject({ protocol: "psync", transfer: "eof" });
    expect(first.rdbBytes().equals(RDB)).toBe(true);
    const checkpoint = { replid: m.replid, offset: first.lastOffset };
    first.client.close();
    m.write(["SET", "b", "2"]);
    const second = connect(m, { checkpoint });
    await until(() => second.commands.length === 1, "the stream after +CONTINUE");
    expect(second.continued[0]).toEqual({ replid: m.replid, previousReplid: m.replid, offset: checkpoint.offset, protocol: "psync" });
    expect(second.commands[0].db).toBe(0);
    second.client.close();
  });

  it("psync2 after a failover: the old replid is accepted and +CONTINUE names the new one", async () => {
    const m = await fake({ style: "psync2", initialOffset: 500, previous: { replid: "a".repeat(40), offset: 520 }, stream: [["SET", "p", "1"], ["SET", "q", "2"]] });
    const rec = connect(m, { checkpoint: { replid: "a".repeat(40), offset: 500, db: 2 } });
    await until(() => rec.commands.length === 2, "the stream after the failover");
    expect(rec.continued).toEqual([{ replid: m.replid, previousReplid: "a".repeat(40), offset: 500, protocol: "psync2" }]);
    expect(rec.commands.map((c) => c.db)).toEqual([2, 2]);
    contiguous(rec, 500);
    rec.client.close();
  });

  it("answers REPLCONF GETACK with the applied offset, and PING / REPLCONF / SELECT are controls", async () => {
    const m = await fake({ style: "psync2", stream: [["SET", "a", "1"], ["REPLCONF", "GETACK", "*"]] });
    const rec = connect(m, { ackIntervalMs: 60_000 });
    await until(() => rec.controls.length === 1, "the GETACK");
    await until(() => m.acks.some((a) => a >= rec.commands[0].endOffset), "the ACK answering GETACK");
    expect(Math.max(...m.acks)).toBeLessThanOrEqual(rec.lastOffset);
    m.write(["PING"], ["SELECT", "9"], ["SET", "b", "2"]);
    await until(() => rec.commands.length === 2, "more stream");
    expect(rec.controls.map((c) => c.argv[0].toString())).toEqual(["REPLCONF", "PING", "SELECT"]);
    expect(rec.commands[1].db).toBe(9);
    rec.client.close();
  });

  it("uses AUTH <password> and AUTH <user> <password> (ACL)", async () => {
    const m = await fake({ style: "psync2", password: "s3cret", username: "repl", stream: [["SET", "a", "1"]] });
    const rec = connect(m, { username: "repl", password: "s3cret" });
    await until(() => rec.commands.length === 1, "the stream");
    expect(m.received[1]).toEqual(["AUTH", "repl", "s3cret"]);
    rec.client.close();
    const old = await fake({ style: "psync", password: "pw" });
    const rec2 = connect(old, { password: "pw" });
    await until(() => rec2.rdbEnds === 1, "the RDB");
    expect(old.received[1]).toEqual(["AUTH", "pw"]);
    rec2.client.close();
  });

  for (const error of ["LOADING Redis is loading the dataset in memory", "NOMASTERLINK Can't SYNC while not connected with my master"]) {
    it(`retries -${error.split(" ")[0]} with backoff, then synchronizes`, async () => {
      const m = await fake({ style: "psync2", notReady: { error, times: 2 }, stream: [["SET", "a", "1"]] });
      const rec = connect(m);
      await until(() => rec.commands.length === 1, "the stream after the retries");
      expect(m.connections).toBe(3);
      expect(rec.notices.filter((n) => n.includes("retrying")).length).toBe(2);
      expect(rec.client.stats().retries).toBe(2);
      rec.client.close();
    });
  }

  it("gives up after maxRetries when the master stays not ready", async () => {
    const m = await fake({ style: "psync2", notReady: { error: "LOADING Redis is loading the dataset in memory", times: 100 } });
    const rec = connect(m, { maxRetries: 2 });
    const err = await rec.ended;
    expect(err).toMatchObject({ code: "CONNECT_FAILED" });
    expect(err!.message).toMatch(/still not ready .* after 3 attempts: LOADING/);
  });
});

describe("replication client failures (fake and stand-ins)", () => {
  it("a host that accepts and says nothing: TIMEOUT at PING", async () => {
    const m = await fake({ style: "psync2", silent: "accept" });
    const err = await connect(m, { handshakeTimeoutMs: 500 }).ended;
    expect(err).toMatchObject({ code: "TIMEOUT" });
    expect(err!.message).toBe(`the source 127.0.0.1:${m.port} did not answer PING within 500 ms`);
  });

  for (const [step, label] of [["auth", "AUTH"], ["replconf", "REPLCONF listening-port"], ["psync", "PSYNC"]] as const) {
    it(`a master that hangs at ${label}: TIMEOUT naming the step`, async () => {
      const m = await fake({ style: "psync2", silentAt: step, password: "pw" });
      const err = await connect(m, { password: "pw", handshakeTimeoutMs: 300, readTimeoutMs: 600 }).ended;
      expect(err).toMatchObject({ code: "TIMEOUT" });
      expect(err!.message).toBe(`the source 127.0.0.1:${m.port} did not answer ${label} within ${step === "psync" ? 600 : 300} ms`);
    });
  }

  it("an HTTP server: NOT_REDIS with what it answered", async () => {
    const server = http.createServer((_req, res) => res.end("hello"));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as net.AddressInfo).port;
    const err = await record({ host: "127.0.0.1", port, spoolDir, ...FAST }).ended;
    expect(err).toMatchObject({ code: "NOT_REDIS" });
    expect(err!.message).toMatch(/does not speak the Redis protocol: it answered "HTTP\/1\.1 400 Bad Request" to PING/);
  });

  it("a closed port: CONNECT_FAILED, connection refused", async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const err = await record({ host: "127.0.0.1", port, spoolDir, ...FAST }).ended;
    expect(err).toMatchObject({ code: "CONNECT_FAILED" });
    expect(err!.message).toContain("connection refused");
  });

  it("wrong password, missing password, user names on a master without ACL: AUTH_FAILED, password never shown", async () => {
    const m = await fake({ style: "psync2", password: "right" });
    const wrong = await connect(m, { password: "wrong-pass" }).ended;
    expect(wrong).toMatchObject({ code: "AUTH_FAILED" });
    expect(wrong!.message).toMatch(/authentication to the source .* failed: wrong password/);
    expect(wrong!.message).not.toContain("wrong-pass");
    const missing = await connect(m).ended;
    expect(missing).toMatchObject({ code: "AUTH_FAILED", message: `the source 127.0.0.1:${m.port} requires a password` });
    const old = await fake({ style: "psync", password: "pw" });
    const acl = await connect(old, { username: "u", password: "pw" }).ended;
    expect(acl).toMatchObject({ code: "AUTH_FAILED" });
    expect(acl!.message).toContain("does not know ACL users");
  });

  it("a corrupt RDB: the consumer's parser error ends the client", async () => {
    const m = await fake({ style: "psync2", corruptRdb: true, stream: [["SET", "a", "1"]] });
    const keys: RdbKeyEvent[] = [];
    let rec!: Recording;
    rec = connect(m, {}, parsing(() => rec, keys));
    const err = await rec.ended;
    expect(err).toMatchObject({ code: "RDB_CORRUPT" });
    expect(rec.commands).toEqual([]);
    expect(fs.readdirSync(spoolDir)).toEqual([]);
  });

  it("a connection dropped in the middle of the RDB: no rdbEnd, CONNECT_FAILED saying where", async () => {
    const m = await fake({ style: "psync", dropAfterBytes: `$${RDB.length}\r\n`.length + Math.floor(RDB.length / 2) });
    const rec = connect(m);
    const err = await rec.ended;
    expect(err).toMatchObject({ code: "CONNECT_FAILED" });
    expect(err!.message).toMatch(/closed the replication connection during the RDB transfer \(\d+ bytes received\)/);
    expect(rec.rdbEnds).toBe(0);
    expect(rec.rdbBytes().equals(RDB.subarray(0, Math.floor(RDB.length / 2)))).toBe(true);
  });

  it("a connection dropped in the middle of the stream: every whole command before it is delivered, then the error", async () => {
    const stream = [["SET", "a", "1"], ["SET", "b", "2"], ["SET", "c", "3"]];
    const header = `$${RDB.length}\r\n`.length + RDB.length;
    const m = await fake({ style: "psync", stream, dropAfterBytes: header + resp(...stream[0]).length + resp(...stream[1]).length + 5 });
    const rec = connect(m);
    const err = await rec.ended;
    expect(names(rec)).toEqual(["SET a 1", "SET b 2"]);
    expect(err).toMatchObject({ code: "CONNECT_FAILED" });
    expect(err!.message).toContain(`at offset ${1 + resp(...stream[0]).length + resp(...stream[1]).length + 5}`);
  });

  it("a master that sends everything and closes at once: all of it is delivered, then CONNECT_FAILED (not a timeout)", async () => {
    const stream = [["SET", "a", "1"]];
    const total = `$${RDB.length}\r\n`.length + RDB.length + resp(...stream[0]).length;
    for (const style of ["psync", "sync"] as const) {
      const m = await fake({ style, stream, dropAfterBytes: total });
      const rec = connect(m, { readTimeoutMs: 10_000 });
      const err = await rec.ended;
      expect(names(rec)).toEqual(["SET a 1"]);
      expect(err).toMatchObject({ code: "CONNECT_FAILED" });
      expect(err!.message).toContain("closed the replication connection at offset");
    }
  });

  it("silence after +FULLRESYNC and after the payload: TIMEOUT from the replication timeout", async () => {
    const a = await fake({ style: "psync2", silent: "after-fullresync" });
    const errA = await connect(a, { readTimeoutMs: 1000 }).ended;
    expect(errA).toMatchObject({ code: "TIMEOUT" });
    expect(errA!.message).toContain("did not answer the RDB transfer within 1 s");
    const b = await fake({ style: "psync", silent: "after-payload", stream: [["SET", "a", "1"]] });
    const recB = connect(b, { readTimeoutMs: 1000 });
    const errB = await recB.ended;
    expect(errB).toMatchObject({ code: "TIMEOUT" });
    expect(errB!.message).toContain("sent nothing for 1 s on the replication link");
    expect(names(recB)).toEqual(["SET a 1"]);
  });

  it("garbage in the command stream: PROTOCOL_ERROR with the offset", async () => {
    const m = await fake({ style: "psync", initialOffset: 100, stream: [["SET", "a", "1"], Buffer.from("%%% not resp\r\n")] });
    const rec = connect(m);
    const err = await rec.ended;
    expect(err).toMatchObject({ code: "PROTOCOL_ERROR" });
    // the second "%": a RESP3 map announced with a length that is not a number
    expect(err!.message).toContain(`malformed replication stream at offset ${100 + resp("SET", "a", "1").length + 1}`);
    expect(names(rec)).toEqual(["SET a 1"]);
  });

  it("a consumer that throws ends the client with INTERNAL instead of breaking the link", async () => {
    const m = await fake({ style: "psync2", stream: [["SET", "a", "1"], ["SET", "b", "2"]] });
    const rec = connect(m, {}, { command: () => { throw new Error("boom"); } });
    const err = await rec.ended;
    expect(err).toMatchObject({ code: "INTERNAL", message: "the replication consumer failed: boom" });
    expect(rec.commands.length).toBe(1);
  });
});
