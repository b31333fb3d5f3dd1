import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster, Redis } from "ioredis";
import { startCluster, startRedis, stopAll } from "../../testing/redis-harness";
import { Applier, type CommandEntry } from "./apply";
import type { ApplyTarget } from "./apply-target";
import { Fences, covers, formatId, parseId } from "./fence";

/**
 * Fences against real servers: a fenced write sent twice applies once, ids order by (offset, sub),
 * the view read back says which writes of a replay ran; and the applier wraps exactly the writes
 * that must not run twice and skips, in a replay, exactly those the fences cover.
 */
let single: Redis;
let cluster: Cluster;
beforeAll(async () => {
  single = (await startRedis()).client();
  cluster = (await startCluster({ masters: 3 })).client();
});
afterAll(stopAll);

const B = (...a: (string | number)[]) => a.map((x) => Buffer.from(String(x)));

async function send(c: Redis | Cluster, argv: Buffer[]): Promise<unknown> {
  return c.callBuffer(argv[0].toString(), ...argv.slice(1));
}

describe("fenced writes", () => {
  it("apply once however often they are sent, in id order", async () => {
    const f = new Fences("t1", "127.0.0.1:1", false);
    const key = f.keyFor(Buffer.from("list"))!;
    const push = (offset: number, sub: number, v: string) => f.wrap(B("RPUSH", "list", v), key, { offset, sub });
    await send(single, push(100, 0, "a"));
    await send(single, push(100, 0, "a")); // the same write again
    await send(single, push(100, 1, "b"));
    await send(single, push(90, 0, "old")); // an id the fence covers
    await send(single, push(250, 0, "c"));
    expect(await single.lrange("list", 0, -1)).toEqual(["a", "b", "c"]);
    // a refusal leaves the fence where it was
    await single.set("str", "x");
    await expect(send(single, f.wrap(B("RPUSH", "str", "z"), key, { offset: 300, sub: 0 }))).rejects.toThrow(/WRONGTYPE/);
    const view = await f.read(single, [0]);
    expect(view?.max).toEqual({ offset: 250, sub: 0 });
    expect(await single.pttl(key)).toBeGreaterThan(0);
  });

  it("are read back per slot on a cluster, reset by a full synchronization", async () => {
    const f = new Fences("t2", "127.0.0.1:2", true);
    for (const [k, offset] of [["x", 10], ["y", 20], ["z", 30]] as const) {
      const key = Buffer.from(k);
      await send(cluster, f.wrap(B("INCR", k), f.keyFor(key)!, { offset, sub: 0 }));
    }
    const view = (await f.read(cluster, [0]))!;
    expect(view.max).toEqual({ offset: 30, sub: 0 });
    expect(view.ran(Buffer.from("x"), { offset: 10, sub: 0 })).toBe(true);
    expect(view.ran(Buffer.from("x"), { offset: 11, sub: 0 })).toBe(false);
    // another key of x's slot shares its fence
    expect(view.ran(Buffer.from("{x}other"), { offset: 9, sub: 5 })).toBe(true);
    await f.reset(cluster, [0]);
    expect(await f.read(cluster, [0])).toBeNull();
  });

  it("order by offset, then by index within the command, as numbers and as the strings the script compares", () => {
    const ids = [{ offset: 9, sub: 3 }, { offset: 10, sub: 0 }, { offset: 10, sub: 1 }, { offset: 2 ** 60, sub: 0 }];
    const texts = ids.map(formatId);
    expect([...texts].sort()).toEqual(texts);
    expect(texts.map(parseId)).toEqual(ids);
    expect(covers({ offset: 5, sub: 0 }, { offset: 5, sub: 0 })).toBe(true);
    expect(covers({ offset: 5, sub: 0 }, { offset: 5, sub: 1 })).toBe(false);
    expect(covers({ offset: 6, sub: 0 }, { offset: 5, sub: 9 })).toBe(true);
  });
});

/** An ApplyTarget that records what it is asked to send. */
function recorder(): ApplyTarget & { sent: string[] } {
  const sent: string[] = [];
  const text = (argv: Buffer[]) => {
    if (argv[0].toString() !== "EVAL") return argv.join(" ");
    const id = parseId(argv[4].toString())!;
    return `fenced(${id.offset}:${id.sub}) ${argv.slice(6).join(" ")}`;
  };
  return {
    sent,
    write: (_db, argv) => (sent.push(text(argv)), true),
    broadcast: (_db, argv) => (sent.push(`all: ${text(argv)}`), true),
    nodeOf: () => "n",
    drained: async () => {},
    ready: async () => {},
  };
}

describe("the applier with fences", () => {
  const ctx = { cluster: false, mapDb: (d: number) => d, merged: () => false, ignoreFlush: false };
  const events = { inexact: () => false, info: () => {}, done: () => {} };
  const entry = (start: number, ...argv: (string | number)[]): CommandEntry => ({ argv: B(...argv), db: 0, start, end: start + 10, receivedAt: Date.now() });

  it("fences what must not run twice and sends the rest as it is", () => {
    const out = recorder();
    const fences = new Fences("t3", "s", false);
    const a = new Applier(out, ctx, events, () => single, "tmp", { fences, replay: null });
    for (const e of [entry(10, "RPUSH", "l", "a"), entry(20, "SET", "k", "v"), entry(30, "INCR", "n"), entry(40, "LTRIM", "l", "1", "-1"), entry(50, "LTRIM", "l", "0", "9"), entry(60, "SETRANGE", "s", "0", "ab")]) a.apply(e);
    expect(out.sent).toEqual(["fenced(10:0) RPUSH l a", "SET k v", "fenced(30:0) INCR n", "fenced(40:0) LTRIM l 1 -1", "LTRIM l 0 9", "SETRANGE s 0 ab"]);
  });

  it("in a replay, skips what the fences cover, then sends everything", async () => {
    await single.flushall();
    const fences = new Fences("t4", "s", false);
    await send(single, fences.wrap(B("RPUSH", "l", "x"), fences.keyFor(Buffer.from("l"))!, { offset: 30, sub: 0 }));
    const replay = await fences.read(single, [0]);
    const out = recorder();
    const a = new Applier(out, ctx, events, () => single, "tmp", { fences, replay });
    // ran: everything up to the fenced write at 30 (one connection runs its writes in order)
    for (const e of [entry(10, "SET", "k", "1"), entry(20, "DEL", "l"), entry(30, "RPUSH", "l", "x"), entry(40, "SET", "k", "2"), entry(50, "RPUSH", "l", "y")]) a.apply(e);
    expect(out.sent).toEqual(["SET k 2", "fenced(50:0) RPUSH l y"]);
  });
});
