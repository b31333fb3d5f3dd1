import { printable } from "../values/printable";
import { checkSourceKeys, checkTargetKeys, type CheckContext, type Finding } from "./check-keys";
import { RecheckQueue, cancelled } from "./recheck-queue";
import type { CompareSample, RecordedKey, RecordedResult } from "./types";

/**
 * Keys the synchronization recorded as divergent (writes the destination refused, commands it could
 * not apply exactly) are checked before the scan and reported apart: "N checked, M still different,
 * K now equal". Each key is judged whole: present on the source and different or missing on the
 * target, or gone from the source and still on the target. Differences get the same re-checks as
 * the scan's (a synchronizing pair is never equal at one instant).
 */

/** One check of a batch of recorded keys of one source database. */
export async function checkRecordedBatch(ctx: CheckContext, db: number, keys: Buffer[]): Promise<Finding[]> {
  // the key's own database counts as a source of its target database even when the scan skips it
  const withOwnDb: CheckContext = { ...ctx, sourceDbsOf: (t) => [...new Set([db, ...ctx.sourceDbsOf(t)])] };
  const [onSource, onTargetOnly] = await Promise.all([checkSourceKeys(ctx, db, keys), checkTargetKeys(withOwnDb, ctx.targetDbOf(db), keys)]);
  return [...onSource, ...onTargetOnly.map((f) => ({ ...f, db }))];
}

export interface CheckRecordedOptions {
  keys: RecordedKey[];
  /** the source databases a key may be in (null: any); a key of another one is not checked, only counted */
  sourceDbs: number[] | null;
  rounds: number;
  delayMs: number;
  batchSize: number;
  maxSamples: number;
  signal?: AbortSignal;
  /** after each batch */
  onBatch?(checked: number): void;
}

export async function checkRecorded(ctx: CheckContext, o: CheckRecordedOptions): Promise<RecordedResult> {
  const compared = o.sourceDbs && new Set(o.sourceDbs);
  const byDb = new Map<number, Buffer[]>();
  const seen = new Set<string>();
  let notCompared = 0;
  for (const { db, key } of o.keys) {
    if (compared && !compared.has(db)) {
      notCompared++;
      continue;
    }
    const id = `${db}:${key.toString("base64")}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const list = byDb.get(db);
    if (list) list.push(key);
    else byDb.set(db, [key]);
  }
  let stillDifferent = 0;
  const samples: CompareSample[] = [];
  const queue = new RecheckQueue(
    { rounds: o.rounds, delayMs: o.delayMs, maxPending: Number.MAX_SAFE_INTEGER, signal: o.signal },
    (_pass, db, keys) => checkRecordedBatch(ctx, db, keys),
    (f) => {
      stillDifferent++;
      if (samples.length < o.maxSamples) samples.push({ db: f.db, targetDb: f.targetDb, key: printable(f.key), keyBase64: f.key.toString("base64"), kind: f.kind, detail: f.detail });
    },
  );
  let checked = 0;
  for (const [db, keys] of byDb) {
    for (let i = 0; i < keys.length; i += o.batchSize) {
      if (o.signal?.aborted) throw cancelled();
      const batch = keys.slice(i, i + o.batchSize);
      await queue.serviceDue();
      queue.add("source", db, await checkRecordedBatch(ctx, db, batch), 1);
      checked += batch.length;
      o.onBatch?.(checked);
    }
  }
  await queue.drain();
  return { checked, stillDifferent, nowEqual: checked - stillDifferent, notCompared, samples };
}
