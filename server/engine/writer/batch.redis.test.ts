import { afterAll, describe, expect, it } from "vitest";
import { startRedis, stopAll, waitFor } from "../../testing/redis-harness";
import { parseRedisUri } from "../endpoint";
import { encodeCommand } from "../resp/encoder";
import { openWriter } from "./open-writer";
import { WRITE_NOT_SET, type CommandFailure, type WriterEvent } from "./types";

afterAll(stopAll);

/** MULTI, the commands, EXEC as one buffer, and the replies it asks for before EXEC's */
function batch(...commands: string[][]): [Buffer, number] {
  return [Buffer.concat([encodeCommand(["MULTI"]), ...commands.map(encodeCommand), encodeCommand(["EXEC"])]), commands.length + 1];
}

describe("transaction batches (writeBatch)", () => {
  it("run whole; a command failing inside EXEC is reported as that command, the others ran", async () => {
    const node = await startRedis();
    const failures: CommandFailure[] = [];
    const writer = await openWriter(parseRedisUri(node.uri), { onCommandError: (f) => failures.push(f) });
    const c = node.client();
    await c.hset("h", "f", "1");
    for (let i = 0; i < 100; i++) writer.writeBatch!(0, ...batch(["INCR", "n"], ["RPUSH", "l", String(i)], ["SET", "fence", String(i)]), i + 1);
    writer.writeBatch!(0, ...batch(["INCR", "n"], ["INCR", "h"], ["SET", "fence", "x"]), 101);
    await writer.drained();
    expect(await c.get("n")).toBe("101");
    expect(await c.llen("l")).toBe(100);
    expect(await c.get("fence")).toBe("x");
    expect(failures.map((f) => [f.error.code, f.inTransaction ?? false, f.argv.map(String).join(" ")])).toEqual([["WRONGTYPE", false, "INCR h"]]);
    expect(writer.stats.acknowledged).toBe(101);
    await writer.close();
  });

  it("refused while queueing for good (unknown command): that command is reported, the rest runs once", async () => {
    const node = await startRedis();
    const failures: CommandFailure[] = [];
    const hazards: string[] = [];
    const writer = await openWriter(parseRedisUri(node.uri), { onCommandError: (f) => failures.push(f), onOrderHazard: (h) => hazards.push(h.argv.map(String).join(" ")) });
    const c = node.client();
    writer.writeBatch!(0, ...batch(["INCR", "n"], ["NOSUCHCOMMAND", "k"], ["RPUSH", "l", "a"], ["SET", "fence", "1"]), 1);
    writer.writeBatch!(0, ...batch(["INCR", "m"], ["SET", "fence", "2"]), 2);
    await writer.drained();
    expect(await c.get("n")).toBe("1");
    expect(await c.get("m")).toBe("1");
    expect(await c.lrange("l", 0, -1)).toEqual(["a"]);
    expect(failures.map((f) => [f.inTransaction ?? false, f.argv.map(String).join(" ")])).toEqual([[false, "NOSUCHCOMMAND k"]]);
    // the second batch, already sent, ran before the rest of the first: said, per command (not its fence)
    expect(hazards).toEqual(["INCR m"]);
    await writer.close();
  });

  it("refused with OOM (EXECABORT: nothing ran) is resent whole once memory is raised, and applies once", async () => {
    const node = await startRedis({ config: { maxmemory: "1", "maxmemory-policy": "noeviction" } });
    const events: WriterEvent[] = [];
    const failures: CommandFailure[] = [];
    const writer = await openWriter(parseRedisUri(node.uri), { onEvent: (e) => events.push(e), onCommandError: (f) => failures.push(f), retryMaxMs: 100 });
    const c = node.client();
    for (let i = 0; i < 20; i++) writer.writeBatch!(0, ...batch(["INCR", "n"], ["RPUSH", "l", String(i)], ["SET", "fence", String(i)]), i + 1);
    await waitFor(() => events.some((e) => e.kind === "retrying"), 30_000, "an OOM retry event");
    expect(await c.exists("n")).toBe(0);
    await c.config("SET", "maxmemory", "0");
    await writer.drained();
    expect(await c.get("n")).toBe("20");
    expect(await c.lrange("l", 0, -1)).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    expect(failures).toEqual([]);
    await writer.close();
  });

  it("WRITE_NOT_SET: an MSETNX that set nothing (a key existed) is reported as BUSYKEY; one that set its keys is not", async () => {
    const node = await startRedis();
    const failures: CommandFailure[] = [];
    const writer = await openWriter(parseRedisUri(node.uri), { onCommandError: (f) => failures.push(f) });
    await node.client().set("b", "theirs");
    writer.write(0, ["MSETNX", "a", "1", "b", "2"], null, 1, WRITE_NOT_SET);
    writer.write(0, ["MSETNX", "c", "3", "d", "4"], null, 2, WRITE_NOT_SET);
    await writer.drained();
    expect(failures.map((f) => [f.error.code, f.tag, f.argv.map(String).join(" ")])).toEqual([["BUSYKEY", 1, "MSETNX a 1 b 2"]]);
    expect(await node.client().mget("a", "b", "c", "d")).toEqual([null, "theirs", "3", "4"]);
    await writer.close();
  });
});
