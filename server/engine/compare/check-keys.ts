import type { CommandRunner } from "../keys/command-runner";
import { readKeys, type LiveKey } from "../keys/read-key";
import { diffValues } from "../keys/diff-values";
import { asInt } from "../keys/reply";
import { readShapes, type KeyShape } from "./key-shape";
import { sideFailure, type Side } from "./side";
import type { CompareMode, DifferenceKind } from "./types";

/**
 * One check of a batch of keys. The source pass reads each key on both sides and judges it; the
 * target pass only asks whether a target key exists on the source. Both answer with the keys that
 * differ now: the caller decides whether that is final or worth another look later.
 */

export interface Finding {
  db: number;
  targetDb: number;
  key: Buffer;
  kind: DifferenceKind;
  detail: string;
}

export interface CheckContext {
  source: Side;
  target: Side;
  mode: CompareMode;
  ttlToleranceMs: number;
  targetDbOf(db: number): number;
  /** the source databases that map to a target database */
  sourceDbsOf(targetDb: number): number[];
}

/** Runs `read` on every connection that serves part of `keys` and puts the answers back in order. */
async function readRouted<T>(side: Side, db: number, keys: Buffer[], read: (c: CommandRunner, keys: Buffer[]) => Promise<T[]>): Promise<T[]> {
  const out = new Array<T>(keys.length);
  try {
    await Promise.all(
      (await side.route(db, keys)).map(async ({ client, indexes }) => {
        const got = await read(client, indexes.map((i) => keys[i]));
        indexes.forEach((at, j) => (out[at] = got[j]));
      }),
    );
  } catch (err) {
    throw sideFailure(side.role, err);
  }
  return out;
}

export async function checkSourceKeys(ctx: CheckContext, db: number, keys: Buffer[]): Promise<Finding[]> {
  const targetDb = ctx.targetDbOf(db);
  const read = ctx.mode === "full" ? (c: CommandRunner, k: Buffer[]) => readKeys(c, k) : readShapes;
  const [src, tgt] = await Promise.all([
    readRouted<LiveKey | KeyShape | null>(ctx.source, db, keys, read),
    readRouted<LiveKey | KeyShape | null>(ctx.target, targetDb, keys, read),
  ]);
  const out: Finding[] = [];
  keys.forEach((key, i) => {
    const verdict = ctx.mode === "full" ? judgeFull(src[i] as LiveKey | null, tgt[i] as LiveKey | null, ctx.ttlToleranceMs) : judgeQuick(src[i] as KeyShape | null, tgt[i] as KeyShape | null);
    if (verdict) out.push({ db, targetDb, key, ...verdict });
  });
  return out;
}

type Verdict = { kind: DifferenceKind; detail: string } | null;

/**
 * A key gone from the source since the scan is no source key any more: if the target still holds
 * it, the target pass (which runs after this one) reports it as extra, once.
 */
function judgePresence(src: unknown, tgt: unknown): Verdict | undefined {
  if (!src) return null;
  if (!tgt) return { kind: "missing", detail: "not on the target" };
  return undefined;
}

export function judgeFull(src: LiveKey | null, tgt: LiveKey | null, ttlToleranceMs: number): Verdict {
  const presence = judgePresence(src, tgt);
  if (presence !== undefined || !src || !tgt) return presence ?? null;
  // Servers rewrite consumers' seen/active times when they apply a replicated XCLAIM: not data.
  const diff = diffValues(src.value, tgt.value, { ignoreConsumerTimes: true, ignoreEntriesRead: true, timeToleranceMs: ttlToleranceMs });
  if (diff) return diff.kind === "type" ? { kind: "type", detail: `${src.value.type} on the source, ${tgt.value.type} on the target` } : diff;
  const a = src.expireAt;
  const b = tgt.expireAt;
  if (a === null && b === null) return null;
  if (a === null || b === null) return { kind: "ttl", detail: a === null ? `no TTL on the source, expires at ${iso(b)} on the target` : `expires at ${iso(a)} on the source, no TTL on the target` };
  if (Math.abs(a - b) > ttlToleranceMs) return { kind: "ttl", detail: `expiry differs by ${Math.abs(a - b)} ms (${iso(a)} vs ${iso(b)})` };
  return null;
}

export function judgeQuick(src: KeyShape | null, tgt: KeyShape | null): Verdict {
  const presence = judgePresence(src, tgt);
  if (presence !== undefined || !src || !tgt) return presence ?? null;
  if (src.type !== tgt.type) return { kind: "type", detail: `${src.type} on the source, ${tgt.type} on the target` };
  if (src.length !== tgt.length) return { kind: "length", detail: `length ${src.length} on the source, ${tgt.length} on the target` };
  if (src.hasTtl !== tgt.hasTtl) return { kind: "ttl", detail: src.hasTtl ? "TTL on the source, none on the target" : "no TTL on the source, a TTL on the target" };
  return null;
}

/** Target keys that no mapped source database holds (and that the target still holds). */
export async function checkTargetKeys(ctx: CheckContext, targetDb: number, keys: Buffer[]): Promise<Finding[]> {
  const exists = (c: CommandRunner, k: Buffer[]) => existsMany(c, k);
  const sourceDbs = ctx.sourceDbsOf(targetDb);
  const [onTarget, ...onSources] = await Promise.all([
    readRouted(ctx.target, targetDb, keys, exists),
    ...sourceDbs.map((db) => readRouted(ctx.source, db, keys, exists)),
  ]);
  const out: Finding[] = [];
  keys.forEach((key, i) => {
    if (onTarget[i] && !onSources.some((s) => s[i])) out.push({ db: sourceDbs[0], targetDb, key, kind: "extra", detail: "on the target, not on the source" });
  });
  return out;
}

async function existsMany(client: CommandRunner, keys: Buffer[]): Promise<boolean[]> {
  return (await client.batch(keys.map((k) => ["EXISTS", k]))).map((n) => {
    if (n instanceof Error) throw n;
    return asInt(n, "EXISTS") > 0;
  });
}

function iso(ms: number | null): string {
  return ms === null ? "never" : new Date(ms).toISOString();
}
