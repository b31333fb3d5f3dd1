import { afterAll, describe, expect, it } from "vitest";
import { startRedis, stopAll } from "../../testing/redis-harness";
import { parseRedisUri } from "../endpoint";
import { openWriter } from "../writer/open-writer";
import { Applier, type CommandEntry } from "./apply";
import { Fences } from "./fence";
import { MigrationLedger } from "./migration-ledger";

/**
 * The two halves of MIGRATE through two appliers and two writers into one real destination, the
 * way two shards apply them: the importer's RESTORE waits until the exporter's writes before its DEL
 * are acknowledged, also those still in the exporter's open fence batch (a standalone destination
 * batches writes that must not run twice, and hands the batch over only at the end of the tick).
 */
afterAll(stopAll);

const B = (...a: Array<string | number | Buffer>) => a.map((x) => (Buffer.isBuffer(x) ? x : Buffer.from(String(x))));
const entry = (start: number, argv: Buffer[]): CommandEntry => ({ argv, db: 0, start, end: start + 10, receivedAt: Date.now() });

describe("MIGRATE's halves applied by two shards", () => {
  it("the RESTORE is sent only after the exporter's push in its open fence batch is acknowledged: no element twice", async () => {
    const dst = await startRedis();
    const control = dst.client();
    const endpoint = parseRedisUri(dst.uri, "standalone");
    const [outA, outB] = [await openWriter(endpoint), await openWriter(endpoint)];
    const ledger = new MigrationLedger();
    const ctx = { cluster: false, mapDb: (d: number) => d, merged: () => false, ignoreFlush: false };
    const events = { inexact: () => false, info: () => {}, done: () => {} };
    const applier = (out: typeof outA, shard: string, fences: Fences) =>
      new Applier(out, ctx, events, () => control, "tmp", { fences, replay: null }, { functions: null, migrations: { ledger, shard } });
    const a = applier(outA, "A", new Fences("pair", "A", false));
    const b = applier(outB, "B", new Fences("pair", "B", false));
    // the value each key has when MIGRATE takes it: the one element A pushed just before
    await control.rpush("model", "x");
    const payload = (await control.dumpBuffer("model"))!;
    await control.del("model");
    const keys = Array.from({ length: 40 }, (_, i) => `list:${i}`);
    const restores: Array<Promise<void> | null> = [];
    let offset = 1000;
    for (const k of keys) {
      // B reads its RESTORE-ASKING first (it waits for A's DEL), then A its push and the DEL, in one tick
      restores.push(b.apply(entry((offset += 100), B("RESTORE-ASKING", k, 0, payload))));
      await Promise.resolve();
      a.apply(entry((offset += 100), B("RPUSH", k, "x")));
      a.apply(entry((offset += 100), B("DEL", k)));
    }
    await Promise.all(restores);
    a.flushBatch();
    await Promise.all([outA.drained(), outB.drained()]);
    const lengths = await Promise.all(keys.map((k) => control.llen(k)));
    expect(lengths.filter((n) => n !== 1).length, `lengths: ${lengths.join(",")}`).toBe(0);
    expect(ledger.counts.skippedDeletes).toBe(keys.length);
    outA.destroy();
    outB.destroy();
  });
});
