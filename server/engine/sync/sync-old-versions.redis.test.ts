import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { startRedis, stopAll, waitFor } from "../../testing/redis-harness";
import { startFakeMaster, type FakeMaster, type FakeMasterStyle } from "../../testing/fake-master";
import { syncProcessPool } from "../../testing/sync-process";
import { compareSides, describeDiff, endpointOf } from "../../testing/sync-fixtures";
import { parseRedisUri } from "../endpoint";

/**
 * Masters of versions we cannot run here (2.6 SYNC-only, 2.8 PSYNC, 3.x, 4.0-6.x psync2), replayed by
 * the fake master: an old RDB, then a stream as those versions wrote it — scripts replicated verbatim
 * (EVAL, SCRIPT LOAD + EVALSHA), MULTI/EXEC, PING keep-alives, SELECT, relative EXPIRE. The engine's
 * destination must end up equal to a real server that loaded the same RDB and ran the same commands.
 */
const corpus = path.resolve(import.meta.dirname, "../../../../shared/rdb-corpus/hdt3213-rdb");
const pool = syncProcessPool();
const fakes: FakeMaster[] = [];
afterEach(async () => {
  await pool.cleanup();
  for (const f of fakes.splice(0)) await f.close();
});
afterAll(stopAll);

const script = "redis.call('SET', KEYS[1], ARGV[1]); redis.call('RPUSH', KEYS[2], ARGV[1]); return 1";
const script2 = "return redis.call('INCRBY', KEYS[1], 5)";
const sha2 = createHash("sha1").update(script2).digest("hex");
const STREAM: string[][] = [
  ["SELECT", "0"], ["SET", "a", "1"], ["PING"],
  ["EVAL", script, "2", "k1", "l1", "x"],
  ["SCRIPT", "LOAD", script2], ["EVALSHA", sha2, "1", "counter"], ["EVALSHA", sha2, "1", "counter"],
  ["MULTI"], ["INCR", "n"], ["RPUSH", "l1", "y"], ["EXEC"],
  ["SELECT", "1"], ["SET", "b", "in-db-1"], ["HSET", "h", "f", "v"],
  ["SELECT", "0"], ["EXPIRE", "a", "1000"], ["DEL", "foo"], ["PING"],
];

describe.skipIf(!existsSync(corpus))("sync from old Redis versions (fake master)", () => {
  it.each<FakeMasterStyle>(["sync", "psync", "psync3", "psync2"])("%s master: old RDB, verbatim scripts, transactions, SELECT", async (style) => {
    const rdbFile = path.join(corpus, "rdb_version_5_with_checksum.rdb");
    const fake = await startFakeMaster({ style, rdb: readFileSync(rdbFile), stream: STREAM, diskless: true, keepAlives: 2 });
    fakes.push(fake);
    // The oracle: a real server that loaded the same RDB and ran the same commands.
    const oracle = await startRedis({ rdbFile });
    const o = oracle.client();
    for (const argv of STREAM) {
      if (argv[0] === "SELECT") await o.select(Number(argv[1]));
      else if (argv[0] !== "PING" && argv[0] !== "MULTI" && argv[0] !== "EXEC") await o.call(argv[0], ...argv.slice(1));
    }
    const dst = await startRedis();
    const p = pool.start(["--task", `old-${style}`, "--skip-precheck", "--source", `redis://${fake.host}:${fake.port}`, "--target", dst.uri, "--dbs", "0,1"]);
    await p.waitState("synchronizing");
    // SYNC has no master offsets: the engine counts the stream from 0, the fake master from 1
    await p.waitApplied([style === "sync" ? fake.offset() - 1 : fake.offset()], 30_000);
    // The relative EXPIRE ran on the oracle earlier than the fake master streamed it: TTLs differ by that.
    const r = await compareSides(endpointOf(oracle, "standalone"), parseRedisUri(dst.uri), { dbs: [0, 1], ttlToleranceMs: 120_000 });
    expect(r.equal, describeDiff(r)).toBe(true);
    expect(r.keys).toBeGreaterThan(5);
    // the pre-2.8 master must never have been sent an ACK (it would answer inside its stream)
    if (style === "sync") expect(fake.received.some((a) => a[0]?.toLowerCase() === "replconf" && a[1]?.toLowerCase() === "ack")).toBe(false);
    // the heartbeat cannot be written to these masters: latency is estimated from offsets instead
    await waitFor(() => p.last?.latencyMs != null, 15_000, "a latency estimate in the status lines");
    expect(p.last?.latencyMs).not.toBeNull();
  });
});
