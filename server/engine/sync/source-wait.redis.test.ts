import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startRedis, stopAll, waitFor } from "../../testing/redis-harness";
import { syncProcessPool } from "../../testing/sync-process";

/**
 * A Redis 7 source by default waits repl-diskless-sync-delay (5 s) before a diskless full resync:
 * the status says so (`sync --json`: the shard's `waiting` and the warnings the console shows)
 * instead of a bare "initializing", and says nothing once the transfer runs.
 */
const pool = syncProcessPool();
afterEach(pool.cleanup);
afterAll(stopAll);

describe("why a full synchronization waits", () => {
  it("names the source's repl-diskless-sync-delay while the source waits, then clears it", async () => {
    const src = await startRedis({ config: { "repl-diskless-sync": "yes", "repl-diskless-sync-delay": "3" } });
    const dst = await startRedis();
    await src.client().set("k", "v");
    const p = pool.start(["--task", "delay", "--skip-precheck", "--source", src.uri, "--target", dst.uri]);
    const said = /waiting for the source to start a full resync: it waits repl-diskless-sync-delay \(3 s\) for more replicas before a diskless transfer/;
    await waitFor(() => p.lines.some((l) => l.state === "initializing" && l.shards.some((s) => said.test(s.waiting ?? ""))), 20_000, "the shard's waiting reason");
    expect(p.lines.find((l) => l.warnings?.some((w) => said.test(w)))).toBeDefined();
    const line = await p.waitState("synchronizing", 30_000);
    expect(line.warnings ?? []).toEqual([]);
    expect(line.shards.every((s) => !s.waiting)).toBe(true);
  });

  it("does not ask a source that answers at once for its settings: no connection and CONFIG GET beside the first RDB bytes", async () => {
    const src = await startRedis({ config: { "repl-diskless-sync": "yes", "repl-diskless-sync-delay": "0", "slowlog-log-slower-than": "0", "slowlog-max-len": "100000" } });
    const dst = await startRedis();
    await src.client().set("k", "v");
    await src.client().slowlog("RESET");
    const p = pool.start(["--task", "prompt", "--skip-precheck", "--source", src.uri, "--target", dst.uri]);
    await p.waitState("synchronizing", 30_000);
    // every command the source ran, with its arguments (the slowlog keeps them all at a 0 µs threshold)
    const log = (await src.client().slowlog("GET", 100000)) as Array<[number, number, number, Array<string>]>;
    const commands = log.map((entry) => entry[3].join(" ").toLowerCase());
    expect(commands.some((c) => c.startsWith("psync"))).toBe(true);
    expect(commands.filter((c) => c.includes("repl-diskless-sync"))).toEqual([]);
  });
});
