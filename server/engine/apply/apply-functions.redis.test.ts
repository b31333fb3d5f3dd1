import { afterAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { startRedis, stopAll } from "../../testing/redis-harness";
import { FunctionLibraries } from "../loader/function-libraries";
import { applyLibraryCommand } from "./apply-functions";

afterAll(stopAll);

const B = (s: string) => Buffer.from(s);
const CODE = B("#!lua name=shared\nredis.register_function('shared_f', function() return 1 end)");

/**
 * Two source masters load and delete the same library over and over, at the same moment, each
 * shard through its own connection to the destination (as the shards' writers are). The plans
 * assume one order; the destination must see that order, or a DELETE overtakes the LOAD planned
 * after it and the destination answers "Library already exists" / "Library not found".
 */
describe("FUNCTION commands of several source masters", () => {
  it("reach the destination in the order they were planned, whatever connection each shard uses", async () => {
    const dst = await startRedis();
    const conns = [0, 1].map(() => new Redis({ host: dst.host, port: dst.port }));
    // each shard's connection lags a little, by turns (a writer with a queue before it)
    const lagging = (conn: Redis) => new Proxy(conn, {
      get(target, prop, receiver) {
        if (prop !== "callBuffer") return Reflect.get(target, prop, receiver);
        return async (...args: Parameters<Redis["callBuffer"]>) => {
          await new Promise((r) => setTimeout(r, Math.random() < 0.5 ? 0 : 3));
          return target.callBuffer(...args);
        };
      },
    });
    const sends = conns.map(lagging);
    const libs = new FunctionLibraries();
    await libs.read(conns[0]);
    const shards = [libs.forShard("a:1"), libs.forShard("b:2")];
    const failures: string[] = [];
    await Promise.all(
      shards.map(async (shard, i) => {
        for (let round = 0; round < 200; round++) {
          for (const argv of [[B("FUNCTION"), B("LOAD"), CODE], [B("FUNCTION"), B("DELETE"), B("shared")], [B("FUNCTION"), B("LOAD"), CODE]]) {
            // the other shard's plans go on while this one's command travels
            await new Promise((r) => setImmediate(r));
            const f = await applyLibraryCommand(shard, sends[i], argv, false);
            if (f) failures.push(f.message);
            // even rounds only load; odd rounds load, delete and load again: both end holding it
            if (argv[1].toString() === "LOAD" && round % 2 === 0) break;
          }
        }
      }),
    );
    expect(failures).toEqual([]);
    const list = (await conns[0].call("FUNCTION", "LIST")) as unknown[][];
    expect(list.map((l) => String(l[1]))).toEqual(["shared"]);
    for (const c of conns) c.disconnect();
  }, 60_000);
});
