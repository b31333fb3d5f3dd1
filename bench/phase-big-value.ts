import { createHash, randomFillSync } from "node:crypto";
import type { Redis } from "ioredis";
import type { BenchContext } from "./context";
import { Deployment } from "./deployment";
import { fillDataset } from "./fill";
import { nativeFullSync } from "./native";
import { engineFullRun } from "./phase-standalone";
import type { BigValueSection } from "./results.types";
import { median } from "./stats";

/**
 * Issue 15's memory case: a source holding one big string of random bytes (256 MiB; quick: 32 MiB)
 * next to a few small keys. Every engine run must stay under the value + 150 MiB, the same every run,
 * and the value must arrive byte for byte.
 */

const BIG_KEY = "bigvalue:0";
const SMALL_KEYS = 1000;
/** the bench process never holds more than one piece of the value */
const PIECE_BYTES = 8 * 1024 * 1024;

/** APPENDs random pieces; returns the SHA-256 of what was written. */
async function fillBigValue(conn: Redis, bytes: number): Promise<string> {
  const hash = createHash("sha256");
  const piece = Buffer.allocUnsafe(PIECE_BYTES);
  await conn.del(BIG_KEY);
  for (let at = 0; at < bytes; at += PIECE_BYTES) {
    const chunk = piece.subarray(0, Math.min(PIECE_BYTES, bytes - at));
    randomFillSync(chunk);
    hash.update(chunk);
    // awaited one by one: the buffer is refilled only once the server has the previous piece
    await conn.append(BIG_KEY, chunk);
  }
  return hash.digest("hex");
}

/** SHA-256 of the value read back in pieces (GETRANGE), so no side holds it whole for the check. */
async function digestOf(conn: Redis, bytes: number): Promise<{ length: number; sha256: string }> {
  const length = await conn.strlen(BIG_KEY);
  const hash = createHash("sha256");
  for (let at = 0; at < Math.min(length, bytes); at += PIECE_BYTES) {
    hash.update(await conn.getrangeBuffer(BIG_KEY, at, Math.min(at + PIECE_BYTES, length) - 1));
  }
  return { length, sha256: hash.digest("hex") };
}

export async function bigValuePhase(ctx: BenchContext, valueBytes: number): Promise<void> {
  const section: BigValueSection = { valueBytes, smallKeys: SMALL_KEYS, engine: [], nativeMs: null, engineMedianMs: null, minPeakRssBytes: null, maxPeakRssBytes: null };
  ctx.results.bigValue = section;
  const source = await Deployment.standalone();
  const mib = (b: number) => `${(b / 1048576).toFixed(0)} MiB`;
  try {
    await fillDataset(await source.fillTargets(), { keys: SMALL_KEYS, seed: ctx.o.seed });
    const sha256 = await fillBigValue(source.conns[0], valueBytes);
    const keys = SMALL_KEYS + 1;
    ctx.log(`big value: source holds a ${mib(valueBytes)} random string and ${SMALL_KEYS} small keys`);
    try {
      const native = await nativeFullSync(source, keys, 300_000);
      section.nativeMs = native.ms;
      ctx.log(`big value: native replica ${(native.ms / 1000).toFixed(2)} s`);
      await native.replica.stop();
    } catch (err) {
      ctx.error("big value native", err);
    }
    for (let rep = 1; rep <= ctx.o.reps; rep++) {
      const target = await Deployment.standalone();
      try {
        const { run, record } = await engineFullRun(ctx, source, target, keys, "big-value");
        run.sampler.stop();
        await run.engine.stop();
        const copy = await digestOf(target.conns[0], valueBytes);
        const equal = copy.length === valueBytes && copy.sha256 === sha256;
        if (!equal) ctx.error(`big value check ${rep}`, new Error(`the destination's value differs: ${copy.length} bytes, sha256 ${copy.sha256.slice(0, 16)}… (source ${valueBytes} bytes, ${sha256.slice(0, 16)}…)`));
        section.engine.push({ ms: record.ms, peakRssBytes: record.peakRssBytes, cpuMs: record.cpuMs, equal });
        ctx.log(`big value: engine ${rep}/${ctx.o.reps} ${(record.ms / 1000).toFixed(2)} s, peak RSS ${mib(record.peakRssBytes)} (sampled + VmHWM), value ${equal ? "equal" : "DIFFERS"}`);
      } catch (err) {
        ctx.error(`big value engine ${rep}`, err);
      } finally {
        await target.stop();
      }
      await source.deleteHeartbeats();
    }
  } finally {
    await source.stop();
  }
  const peaks = section.engine.map((r) => r.peakRssBytes);
  if (peaks.length) {
    section.engineMedianMs = median(section.engine.map((r) => r.ms));
    section.minPeakRssBytes = Math.min(...peaks);
    section.maxPeakRssBytes = Math.max(...peaks);
  }
}
