import { printable } from "../values/printable";
import { openSide, sideFailure, type Side } from "./side";
import { scanKeys } from "./scan-keys";
import { keyFilterOf } from "../filter/key-filter";
import { checkSourceKeys, checkTargetKeys, type CheckContext, type Finding } from "./check-keys";
import { RecheckQueue, cancelled, sleep } from "./recheck-queue";
import { checkRecorded } from "./check-recorded";
import { compareFunctions } from "./compare-functions";
import type { CompareOptions, CompareProgress, CompareResult, CompareSample, DifferenceKind, RecordedResult } from "./types";

/**
 * Data verification: every source key (SCAN of every master of every compared database) is checked
 * on the target, in batches read with pipelines; then the target's compared databases are scanned
 * for keys the source lacks. Differences are re-checked later (RecheckQueue) and only those that
 * stay are counted. Memory holds one batch, the re-check queue (bounded) and the kept samples.
 */
export async function compare(opts: CompareOptions): Promise<CompareResult> {
  const started = Date.now();
  const rounds = Math.max(1, Math.floor(opts.rounds ?? 3));
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? 500));
  const maxSamples = Math.max(0, opts.maxSamples ?? 1000);
  const signal = opts.signal;
  const filter = keyFilterOf(opts.keyFilter);
  const keyIncluded = filter ? (k: Buffer) => filter.keyIncluded(k) : undefined;
  let source: Side | undefined;
  let target: Side | undefined;
  try {
    source = await openSide(opts.source, "source", signal);
    target = await openSide(opts.target, "target", signal);
    const dbMap = opts.dbMap ?? new Map<number, number>();
    const targetDbOf = (db: number) => dbMap.get(db) ?? (target!.mode === "cluster" ? 0 : db);
    const sourceDbs = await resolveSourceDbs(source, target, opts.dbs, dbMap, targetDbOf);
    const targetDbs = [...new Set(sourceDbs.map(targetDbOf))].sort((a, b) => a - b);
    const ctx: CheckContext = {
      source,
      target,
      mode: opts.mode,
      ttlToleranceMs: opts.ttlToleranceMs ?? 2000,
      targetDbOf,
      sourceDbsOf: (t) => sourceDbs.filter((d) => targetDbOf(d) === t),
    };

    const counts = { missing: 0, extra: 0, different: 0 };
    const byKind: Record<DifferenceKind, number> = { missing: 0, extra: 0, type: 0, value: 0, ttl: 0, length: 0, function: 0 };
    const samples: CompareSample[] = [];
    const report = (f: Finding) => {
      if (f.kind === "missing") counts.missing++;
      else if (f.kind === "extra") counts.extra++;
      else counts.different++;
      byKind[f.kind]++;
      if (samples.length < maxSamples) {
        samples.push({ db: f.db, targetDb: f.targetDb, key: printable(f.key), keyBase64: f.key.toString("base64"), kind: f.kind, detail: f.detail });
      }
    };
    const queue = new RecheckQueue(
      { rounds, delayMs: Math.max(0, opts.recheckDelayMs ?? 1000), maxPending: Math.max(batchSize, opts.maxPendingRechecks ?? 100_000), signal },
      (pass, db, keys) => (pass === "source" ? checkSourceKeys(ctx, db, keys) : checkTargetKeys(ctx, db, keys)),
      report,
    );

    const estimate = async (side: Side, dbs: number[]) => {
      const ks = await side.keyspace();
      return dbs.reduce((sum, db) => sum + (ks.get(db) ?? 0), 0);
    };
    const estimatedTotal = (await estimate(source, sourceDbs)) + (await estimate(target, targetDbs));
    const progress: { keys: number; targetKeys: number; recordedChecked?: number } = { keys: 0, targetKeys: 0 };
    let lastProgress = 0;
    const emit = (phase: CompareProgress["phase"], force = false) => {
      if (!opts.onProgress) return;
      const now = Date.now();
      if (!force && now - lastProgress < (opts.progressIntervalMs ?? 250)) return;
      lastProgress = now;
      opts.onProgress({ phase, ...progress, estimatedTotal, ...counts, pendingRechecks: queue.size, elapsedMs: now - started });
    };

    // the keys the synchronization recorded as divergent come first, reported apart
    let recorded: RecordedResult | undefined;
    if (opts.recorded) {
      progress.recordedChecked = 0;
      emit("recorded", true);
      recorded = await checkRecorded(ctx, {
        keys: opts.recorded,
        // databases given: those; else any the source has (a recorded key's database may be empty now)
        sourceDbs: opts.dbs?.length ? opts.dbs : source.mode === "cluster" ? [0] : null,
        rounds,
        delayMs: Math.max(0, opts.recheckDelayMs ?? 1000),
        batchSize,
        maxSamples,
        signal,
        onBatch: (n) => {
          progress.recordedChecked = n;
          emit("recorded");
        },
      });
    }

    emit("source", true);
    for (const db of sourceDbs) {
      for await (const keys of scanKeys(await source.scanClients(db), batchSize, signal, (e) => sideFailure("source", e), keyIncluded)) {
        await queue.serviceDue();
        await queue.waitForRoom();
        queue.add("source", db, await checkSourceKeys(ctx, db, keys), 1);
        progress.keys += keys.length;
        emit("source");
      }
    }
    emit("target", true);
    for (const db of targetDbs) {
      for await (const keys of scanKeys(await target.scanClients(db), batchSize, signal, (e) => sideFailure("target", e), keyIncluded)) {
        await queue.serviceDue();
        await queue.waitForRoom();
        queue.add("target", db, await checkTargetKeys(ctx, db, keys), 1);
        progress.targetKeys += keys.length;
        emit("target");
      }
    }
    if (signal?.aborted) throw cancelled();
    emit("recheck", true);
    await queue.drain(() => emit("recheck"));
    if (opts.functions !== false) {
      // libraries are checked like keys: only what still differs after every round is reported
      const delay = Math.max(0, opts.recheckDelayMs ?? 1000);
      let libs = await compareFunctions(source, target);
      for (let round = 1; libs.length > 0 && round < rounds; round++) {
        await sleep(delay, signal);
        libs = await compareFunctions(source, target);
      }
      for (const f of libs) report({ db: 0, targetDb: 0, key: Buffer.from(f.library), kind: "function", detail: f.detail });
    }
    emit("done", true);
    const total = counts.missing + counts.extra + counts.different;
    return {
      equal: total === 0,
      keys: progress.keys,
      ...counts,
      byKind,
      samples,
      samplesTruncated: total > samples.length,
      mode: opts.mode,
      rounds,
      durationMs: Date.now() - started,
      ...(recorded && { recorded }),
    };
  } finally {
    source?.close();
    target?.close();
  }
}

/**
 * The databases given, or every database that holds keys on the source, plus one source database
 * for each target database that holds keys and is the image of a database (so keys the target has
 * where the source has none are found as extra). Target databases nothing maps to are not compared.
 */
async function resolveSourceDbs(source: Side, target: Side, dbs: number[] | undefined, dbMap: Map<number, number>, targetDbOf: (db: number) => number): Promise<number[]> {
  if (dbs && dbs.length > 0) return dbs;
  if (source.mode === "cluster") return [0];
  const found = new Set((await source.keyspace()).keys());
  for (const t of (await target.keyspace()).keys()) {
    if ([...found].some((d) => targetDbOf(d) === t)) continue;
    const candidates = [...dbMap].filter(([, to]) => to === t).map(([from]) => from);
    if (!dbMap.has(t) && targetDbOf(t) === t) candidates.push(t);
    if (target.mode === "cluster" && !dbMap.has(0)) candidates.push(0);
    if (candidates.length > 0) found.add(Math.min(...candidates));
  }
  if (found.size === 0) found.add(0);
  return [...found].sort((a, b) => a - b);
}
