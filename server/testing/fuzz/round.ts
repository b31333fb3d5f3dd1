import { existsSync, mkdtempSync, rmSync } from "node:fs";
import Database from "better-sqlite3";
import os from "node:os";
import path from "node:path";
import { compare, type CompareResult } from "../../engine/compare";
import { info, waitFor, type RedisNode } from "../redis-harness";
import { SyncProcess } from "../sync-process";
import { storedCheckpoints, storedEvents, type StoredEvent } from "../resilience";
import type { FuzzEnv } from "./env";
import { Executor } from "./execute";
import { generatePhase } from "./generate";
import { Prng } from "./prng";
import { excluded, forRound, PENDING_FIXES, type FuzzProfile } from "./profiles";
import { seedOps, writeSeed } from "./seed-data";
import { SideLink } from "./side-link";
import { keyFilterOf } from "../../engine/filter/key-filter";
import { PublishWatch } from "./publish-watch";
import { describeSample } from "./describe-keys";
import { caughtUp, synchronizing, waitForked } from "./sync-waits";
import { Keyspace } from "./keyspace";
import { printable } from "../../engine/values/printable";

/**
 * One fuzz round: seed the source, start `redis-dts sync --json`, run the generated workload during
 * the full sync and after it (killing the engine with SIGKILL at chosen moments and starting the same
 * task again, when asked), wait until the destination caught up, then compare both sides key by key
 * and the function libraries of every master, check PUBLISH delivery, the engine's events and, after
 * an incremental kill, that the restart resumed with PSYNC. Every finding is a problem of the round.
 */

export interface FuzzRoundOptions {
  seed: number;
  /** the profile to generate for (default the env's: same servers, other switches) */
  profile?: FuzzProfile;
  /** ops run from the RDB snapshot until the full sync is done (all connections together) */
  opsDuringFull?: number;
  /** ops run once the task synchronizes incrementally */
  opsAfter?: number;
  connections?: number;
  /** filler keys, so the full sync lasts a while */
  filler?: number;
  big?: boolean;
  huge?: boolean;
  /** SIGKILLs of the engine: during the full sync, and during the incremental phase */
  kills?: { full: number; incremental: number };
  /**
   * the task's key filter: passed to the sync (--include/--exclude) and to the comparison, which
   * then compares the included keys only
   */
  keyFilter?: { include: string[]; exclude: string[] };
  /** appended to the reproduction command (the soak's flags) */
  reproduce?: string;
  log?: (line: string) => void;
}

export interface FuzzRoundResult {
  seed: number;
  topology: string;
  ok: boolean;
  ops: number;
  /** ops that ran before the full sync was done */
  opsDuringFull: number;
  kills: number;
  /** differences the comparison found that the engine did not report (missing + extra + different) */
  differences: number;
  /** differences the engine reported as it should (a MOVE from an unsynchronized database) */
  reported: number;
  /** differences of a case still waiting on its engine fix (a pending switch that is off) */
  known: number;
  problems: string[];
  /** everything a person needs to reproduce and debug a failure */
  report: string;
  errors: Record<string, number>;
  durationMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runFuzzRound(env: FuzzEnv, o: FuzzRoundOptions): Promise<FuzzRoundResult> {
  const started = Date.now();
  const kills = o.kills ?? { full: 0, incremental: 0 };
  const p = forRound(o.profile ?? env.profile, kills.full + kills.incremental > 0);
  const log = o.log ?? (() => {});
  const conns = o.connections ?? 3;
  const r = new Prng(`fuzz:${o.seed}:${p.name}`).fork("kills");
  const task = `fuzz-${o.seed}-${p.name}`;
  const problems: string[] = [];
  const notes: string[] = [];
  const phaseA = generatePhase(o.seed, p, "A", conns, o.opsDuringFull ?? 1500);
  const phaseB = generatePhase(o.seed, p, "B", conns, o.opsAfter ?? 1500);
  const allOps = [...phaseA.flat(), ...phaseB.flat()];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-fuzz-"));
  // until a replay's second run of a replay-safe write stops counting as refused (replayRefusals),
  // rounds with kills record divergences and go on; the verdict then tells those apart from others
  const args = [
    ...syncArgs(p, env, task, (kills.incremental > 0 && !p.switches.replayRefusals) || (kills.full > 0 && !p.switches.fullSyncRerunFunctions)),
    ...(o.keyFilter?.include ?? []).flatMap((g) => ["--include", g]),
    ...(o.keyFilter?.exclude ?? []).flatMap((g) => ["--exclude", g]),
  ];
  let killCount = 0;
  let fullKills = 0;
  let opsDuringFull = 0;
  let compared: CompareResult | null = null;
  let events: StoredEvent[] = [];
  let exec: Executor | null = null;
  let sync: SyncProcess | null = null;
  let watch: PublishWatch | null = null;
  const [src, tgt] = [await SideLink.open(env.source.masters, p.source.mode === "cluster"), await SideLink.open(env.target.masters, p.target.mode === "cluster")];
  try {
    await env.reset();
    await writeSeed(src, seedOps(o.seed, p, { filler: o.filler ?? 20_000, big: o.big, huge: o.huge }));
    const seeded = await countKeys(env.source.masters, p.syncDbs ?? p.dbs);
    if (p.switches.pubsubDelivery) watch = await PublishWatch.open(env.target);
    sync = new SyncProcess(args, dataDir).start();
    await waitForked(env.source.masters, sync);
    exec = new Executor(src);
    const e = exec;
    let fullDoneAt: number | null = null;
    let fullKeys: number | null = null;
    const restart = async (why: string) => {
      await sync!.kill();
      killCount++;
      log(`  kill -9 of the engine ${why} (after ${e.done} ops)`);
      await waitFor(async () => (await Promise.all(env.source.masters.map((m) => info(m, "replication")))).every((t) => /connected_slaves:0/.test(t)), 10_000, "the source to drop the killed engine");
      sync = new SyncProcess(args, dataDir).start();
    };
    const watchFull = waitFor(() => {
      if (!sync!.last?.fullSync.done) return false;
      fullDoneAt ??= e.done;
      fullKeys ??= sync!.last.fullSync.keys;
      return true;
    }, 600_000, "the full sync").catch(() => {});
    const fullKiller = async () => {
      for (let i = 0; i < kills.full; i++) {
        await sleep(r.range(20, 800));
        if (sync!.last?.fullSync.done) return;
        fullKills++;
        await restart("during the full sync");
        await waitForked(env.source.masters, sync!);
      }
    };
    await Promise.all([e.run(phaseA), fullKiller()]);
    await synchronizing(sync);
    await watchFull;
    opsDuringFull = Math.min(fullDoneAt ?? e.done, e.done);

    const countA = e.done;
    const fullBefore = await fullSyncs(env.source.masters);
    let everyKillResumable = true;
    let finished = false;
    // kill points in the first 80% of the phase, so the workload goes on while the engine restarts
    const span = Math.max(1, Math.floor(0.8 * (o.opsAfter ?? 1500)));
    const thresholds = Array.from({ length: kills.incremental }, () => r.int(span)).sort((a, b) => a - b);
    const incrementalKiller = async () => {
      for (const at of thresholds) {
        await waitFor(() => finished || e.done - countA >= at, 600_000, "the kill point", 5);
        if (finished) return;
        const cps = storedCheckpoints(dataDir, task).filter((c) => c.phase === "incremental");
        if (cps.length < env.source.masters.length) everyKillResumable = false;
        const applied = (sync!.last?.shards ?? []).map((x) => x.appliedOffset).join(",");
        await restart(`during the incremental phase (stored checkpoints ${cps.map((c) => c.offset).join(",") || "none"}, applied ${applied})`);
      }
    };
    await Promise.all([e.run(phaseB).finally(() => (finished = true)), incrementalKiller()]);
    await synchronizing(sync);
    await caughtUp(sync, env.source.masters);
    if (killCount > 0 && thresholds.length > 0) {
      const fullAfter = await fullSyncs(env.source.masters);
      if (everyKillResumable && fullAfter > fullBefore) problems.push(`the restarts after the incremental-phase kills made ${fullAfter - fullBefore} full sync(s) although an incremental checkpoint of every shard was stored each time (no PSYNC)`);
      if (!everyKillResumable) notes.push("a kill came before the first incremental checkpoint of every shard: a full sync again is expected");
    }

    if (p.switches.ownKeysUncounted && !o.keyFilter && killCount === 0 && fullKeys !== null && fullKeys !== seeded) {
      problems.push(`the full sync reports ${fullKeys} keys synchronized; the source held ${seeded} data keys at the snapshot`);
    }
    compared = await compare({
      source: env.source.endpoint,
      target: env.target.endpoint,
      mode: "full",
      rounds: 3,
      recheckDelayMs: 300,
      ...(p.syncDbs ? { dbs: p.syncDbs } : {}),
      ...(p.dbMap ? { dbMap: new Map(p.dbMap) } : {}),
      ...(o.keyFilter ? { keyFilter: o.keyFilter } : {}),
      maxSamples: 50,
    });
    if (p.switches.moduleTypes) {
      const bad = await compareModuleValues(src, tgt, p, o.keyFilter);
      if (bad.length) problems.push(`module values differ: ${bad.slice(0, 5).join("; ")}${bad.length > 5 ? ` (+${bad.length - 5})` : ""}`);
    }
    if (watch) {
      const sent = [...e.stats.published.values()].reduce((n, l) => n + l.length, 0);
      await watch.settle(sent);
      const tolerate = killCount > 0 && p.target.mode === "cluster" && !p.switches.publishReplay;
      const bad = watch.check(e.stats.published, killCount > 0, tolerate);
      if (bad) problems.push(bad);
      const twice = tolerate ? watch.check(e.stats.published, true) : null;
      if (twice) notes.push(`${twice} (a replay after a kill; see the publishReplay switch)`);
    }
  } catch (err) {
    problems.push(`round aborted: ${(err as Error).message.split("\n").slice(0, 3).join(" ")}`);
  } finally {
    try {
      events = storedEvents(dataDir, task);
    } catch {
      events = [];
    }
    if (sync?.running) await sync.stop();
    watch?.close();
  }

  // what the engine reported (divergence records with their keys): the differences it accounts for
  const diverged = storedDivergences(dataDir, task);
  const expected = (d: StoredDivergence) => p.switches.moveFromUnselected && d.command === "MOVE" && /unsynchronized database/.test(d.reason);
  // a replay after a kill resends replay-safe writes; some fail the second time (the replayRefusals switch)
  const replayed = (d: StoredDivergence) => killCount > 0 && !p.switches.replayRefusals && d.kind === "refused" && REPLAYED_AGAIN.test(d.reason);
  const reported = new Set(diverged.filter(expected).flatMap((d) => (d.key ? [d.key] : [])));
  // a full sync run again keeps the first attempt's libraries (the fullSyncRerunFunctions switch)
  const rerunLibrary = (d: { kind: string; detail?: string; reason?: string }) =>
    fullKills > 0 && !p.switches.fullSyncRerunFunctions && (d.kind === "function" || /a different Functions library named/.test(d.reason ?? ""));
  const libs = (compared?.samples ?? []).filter((s) => rerunLibrary(s));
  if (libs.length) notes.push(`${libs.length} function librar${libs.length === 1 ? "y" : "ies"} differ after a full sync run again (${libs.map((s) => `${s.key}: ${s.detail}`).join("; ")}); see the fullSyncRerunFunctions switch`);
  const unaccounted = (compared?.samples ?? []).filter((s) => !reported.has(s.keyBase64) && !rerunLibrary(s));
  const found = compared ? compared.missing + compared.extra + compared.different : 0;
  const accountedFor = compared && !compared.samplesTruncated ? compared.samples.length - unaccounted.length - libs.length : 0;
  const differences = found - accountedFor - libs.length;
  if (compared && !compared.equal) {
    const accounted = compared.samples.length - unaccounted.length;
    if (unaccounted.length > 0 || compared.samplesTruncated) problems.push(`compare: ${compared.missing} missing, ${compared.extra} extra, ${compared.different} different${accounted ? ` (${accounted} of them reported by the engine)` : ""}`);
    else notes.push(`compare: ${found} difference(s), every one reported by the engine`);
  }
  const again = diverged.filter(replayed);
  if (again.length > 0) notes.push(`${again.length} refused write(s) resent by a replay after a kill (${again[0].command}: ${again[0].reason}); see the replayRefusals switch`);
  const unexpected = diverged.filter((d) => !expected(d) && !replayed(d) && !rerunLibrary(d));
  if (unexpected.length > 0) {
    const kinds = new Map<string, number>();
    for (const d of unexpected) kinds.set(`${d.kind} ${d.command}: ${d.reason}`, (kinds.get(`${d.kind} ${d.command}: ${d.reason}`) ?? 0) + 1);
    problems.push(`the engine recorded ${unexpected.length} divergence(s): ${[...kinds].slice(0, 6).map(([k, n]) => `${n}× ${k}`).join("; ")}`);
  }
  if (diverged.length > unexpected.length + again.length) notes.push(`${diverged.length - unexpected.length - again.length} expected divergence(s) recorded (MOVE from an unsynchronized database)`);
  for (const ev of events.filter((x) => x.level === "error" || /refused|not applied|cannot be applied|inexact|unknown outcome|before an earlier refused/i.test(x.message))) {
    const line = `engine ${ev.level}: ${ev.message}`;
    if (p.switches.moveFromUnselected && /MOVE .*unsynchronized database/.test(ev.message)) continue; // counted above
    // a replay after a kill sends replay-safe writes again; these fail the second time by design
    else if (killCount > 0 && !p.switches.replayRefusals && REPLAYED_AGAIN.test(ev.message)) continue; // counted above
    else problems.push(line);
  }
  const ok = problems.length === 0;
  const errors = exec?.stats.errors ?? {};
  const ops = exec?.stats.ops ?? 0;
  const header = `seed=${o.seed} topology=${p.name} ops=${ops} (during full sync ${opsDuringFull}) kills=${killCount} differences=${differences}${accountedFor ? ` (+${accountedFor} reported by the engine)` : ""}${libs.length ? ` (+${libs.length} known, pending fix)` : ""}`;
  const lines = [
    `${ok ? "FUZZ OK" : "FUZZ FAILURE"} ${header}`,
    `  reproduce: npm run soak -- --seed ${o.seed} --topology ${p.name} --rounds 1${o.reproduce ? ` ${o.reproduce}` : ""}`,
    `  switches on: ${PENDING_FIXES.filter((s) => p.switches[s]).join(",") || "(no pending fix)"}; left out: ${excluded(p)}`,
    `  reply errors: ${Object.entries(errors).map(([k, v]) => `${k} ${v}`).join(", ") || "none"}`,
    ...problems.map((x) => `  PROBLEM ${x}`),
    ...notes.map((x) => `  note: ${x}`),
  ];
  if (!ok && compared && unaccounted.length > 0) {
    lines.push("  first differing keys:");
    for (const s of unaccounted.slice(0, 6)) lines.push(await describeSample(s, src, tgt, allOps));
  }
  src.close();
  tgt.close();
  if (ok) rmSync(dataDir, { recursive: true, force: true });
  else lines.push(`  the task's data folder (events, checkpoints) is kept: ${dataDir}`);
  return { seed: o.seed, topology: p.name, ok, ops, opsDuringFull, kills: killCount, differences, reported: accountedFor, known: libs.length, problems, report: lines.join("\n"), errors, durationMs: Date.now() - started };
}

/** refusals of a replay-safe write that ran before a kill: the data is the same either way */
const REPLAYED_AGAIN = /ID specified in XADD is equal or smaller|ID specified in XSETID is smaller|BUSYGROUP|Library '.*' already exists|Library not found|a different Functions library named \S+ is already loaded/;

export function syncArgs(p: FuzzProfile, env: FuzzEnv, task: string, skip = false): string[] {
  return [
    "--task", task,
    "--source", env.source.uri, "--source-mode", p.source.mode,
    "--target", env.target.uri, "--target-mode", p.target.mode,
    ...(p.syncDbs ? ["--dbs", p.syncDbs.join(",")] : []),
    ...(p.dbMap ? ["--db-map", p.dbMap.map(([a, b]) => `${a}:${b}`).join(",")] : []),
    // an exact profile wants to hear of the first inexact command at once; reported moves are expected
    "--on-inexact", p.switches.moveFromUnselected || skip ? "skip" : "fail",
  ];
}

/**
 * Module values: compare sees their type only, so the workload's `mod:` keys are read back with the
 * module's own DTSTYPE.GET on both sides.
 */
async function compareModuleValues(src: SideLink, tgt: SideLink, p: FuzzProfile, keyFilter?: { include: string[]; exclude: string[] }): Promise<string[]> {
  const ks = new Keyspace(p);
  const filter = keyFilterOf(keyFilter);
  const map = new Map(p.dbMap ?? []);
  const bad: string[] = [];
  for (const db of p.dbs) {
    const targetDb = map.get(db) ?? (p.target.mode === "cluster" ? 0 : db);
    for (const key of ks.all("mod", db)) {
      if (filter && !filter.keyIncluded(key)) continue;
      const read = async (link: SideLink, at: number) => {
        const c = await link.conn(3000, link.masterOf(key), at);
        return (await c.callBuffer("DTSTYPE.GET", key).catch((e: Error) => Buffer.from(`(error ${e.message})`))) as Buffer | null;
      };
      const [a, b] = await Promise.all([read(src, db), read(tgt, targetDb)]);
      if (!(a === null ? b === null : b !== null && a.equals(b))) bad.push(`db${db} ${printable(key, 60)}: ${a === null ? "none" : `${a.length} bytes`} vs ${b === null ? "none" : `${b.length} bytes`}`);
    }
  }
  return bad;
}

interface StoredDivergence {
  kind: string;
  command: string;
  /** base64 of the key's bytes */
  key: string | null;
  reason: string;
}

/** The divergences the task recorded (refused and inexact writes, with their keys). */
function storedDivergences(dataDir: string, task: string): StoredDivergence[] {
  const file = path.join(dataDir, "redis-dts.db");
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT d.kind AS kind, d.command AS command, d.key AS key, d.reason AS reason FROM DivergentKey d JOIN Task t ON t.id = d.taskId WHERE t.name = ? ORDER BY d.id").all(task) as StoredDivergence[];
  } catch {
    return [];
  } finally {
    db.close();
  }
}

async function fullSyncs(masters: RedisNode[]): Promise<number> {
  const stats = await Promise.all(masters.map((m) => info(m, "stats")));
  return stats.reduce((n, s) => n + Number(/sync_full:(\d+)/.exec(s)?.[1] ?? 0), 0);
}

async function countKeys(masters: RedisNode[], dbs: number[]): Promise<number> {
  let n = 0;
  for (const m of masters) {
    const ks = await info(m, "keyspace");
    for (const db of dbs) n += Number(new RegExp(`db${db}:keys=(\\d+)`).exec(ks)?.[1] ?? 0);
  }
  return n;
}
