import { afterAll, afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { startRedis, stopAll } from "../../testing/redis-harness";
import { createTempPgDatabase, pgAvailability, stopOwnPg, type TempPgDatabase } from "../../testing/pg-harness";
import { syncProcessPool } from "../../testing/sync-process";

/**
 * Many `sync` processes started at the same moment on one SQLite store (the default): each creates or
 * finds its task, stores its endpoints and takes its lease while the others do the same. None may fail
 * on the database's lock; two on one new task name make one task, one runs it, the other is refused
 * naming the holder.
 */
const pool = syncProcessPool();
const dirs: string[] = [];
afterEach(async () => {
  await pool.cleanup();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const pgDbs: TempPgDatabase[] = [];
afterAll(async () => {
  await stopAll();
  for (const d of pgDbs.splice(0)) await d.drop().catch(() => {});
  await stopOwnPg();
});

function freshStore(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-race-"));
  dirs.push(dir);
  return dir;
}

function tasksNamed(dataDir: string, name: string): number {
  const db = new Database(path.join(dataDir, "redis-dts.db"), { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM Task WHERE name = ?`).get(name) as { n: number }).n;
  } finally {
    db.close();
  }
}

describe("sync processes started at once on one store", () => {
  it("ten on ten tasks all reach synchronizing", { timeout: 180_000 }, async () => {
    const src = await startRedis();
    const dsts = await Promise.all(Array.from({ length: 10 }, () => startRedis()));
    await src.client().set("k", "v");
    const store = freshStore();
    const procs = dsts.map((dst, i) => pool.start(["--task", `race-${i}`, "--source", src.uri, "--target", dst.uri], store));
    const results = await Promise.allSettled(procs.map((p) => p.waitState("synchronizing", 120_000)));
    const failed = results.flatMap((r, i) => (r.status === "rejected" ? [`race-${i}: ${procs[i].stderr.trim() || String(r.reason).slice(0, 300)}`] : []));
    expect(failed).toEqual([]);
    for (const dst of dsts) expect(await dst.client().get("k")).toBe("v");
  });

  it("two on one new task: one task, one runs it, the other is refused naming the holder", { timeout: 180_000 }, async () => {
    const src = await startRedis();
    const dsts = await Promise.all([startRedis(), startRedis(), startRedis()]);
    const store = freshStore();
    // three such pairs at once, so the start-up race is run more than once
    await Promise.all(
      ["same-a", "same-b", "same-c"].map(async (name, i) => {
        const args = ["--task", name, "--skip-precheck", "--source", src.uri, "--target", dsts[i].uri];
        const [a, b] = [pool.start(args, store), pool.start(args, store)];
        // the first to exit is the one refused; the other keeps running
        const first = await Promise.any([a.exited(90_000).then((code) => ({ loser: a, winner: b, code })), b.exited(90_000).then((code) => ({ loser: b, winner: a, code }))]);
        expect(first.code, first.loser.stderr).toBe(1);
        // (the first process on a new store also reports the migrations it applied)
        expect(first.loser.stderr.trim().split("\n").pop()).toBe(
          `redis-dts sync: task "${name}" is already being run by another redis-dts process (process ${first.winner.pid} on ${os.hostname()}); stop it first`,
        );
        await first.winner.waitState("synchronizing", 60_000);
        expect(tasksNamed(store, name)).toBe(1);
      }),
    );
  });
});

/**
 * The same start-up race on PostgreSQL (DATABASE_URL): a new, empty database, so the processes also
 * race to migrate it, then to create tasks, endpoints and leases.
 */
describe("sync processes started at once on one PostgreSQL store", async () => {
  const available = await pgAvailability();
  it.skipIf(!available.ok)(`ten on ten tasks all reach synchronizing, and two on one task: one runs, one is refused${available.ok ? "" : ` (skipped: ${available.reason})`}`, { timeout: 240_000 }, async () => {
    const db = await createTempPgDatabase();
    pgDbs.push(db);
    const env = { DATABASE_URL: db.url };
    const src = await startRedis();
    const dsts = await Promise.all(Array.from({ length: 10 }, () => startRedis()));
    await src.client().set("k", "v");
    const procs = dsts.map((dst, i) => pool.start(["--task", `pg-race-${i}`, "--skip-precheck", "--source", src.uri, "--target", dst.uri], freshStore(), env));
    const results = await Promise.allSettled(procs.map((p) => p.waitState("synchronizing", 180_000)));
    const failed = results.flatMap((r, i) => (r.status === "rejected" ? [`pg-race-${i}: ${procs[i].stderr.trim() || String(r.reason).slice(0, 300)}`] : []));
    expect(failed).toEqual([]);
    for (const dst of dsts) expect(await dst.client().get("k")).toBe("v");
    await pool.cleanup();

    const empty = await startRedis();
    const args = ["--task", "pg-same", "--skip-precheck", "--source", src.uri, "--target", empty.uri];
    const [a, b] = [pool.start(args, freshStore(), env), pool.start(args, freshStore(), env)];
    const first = await Promise.any([a.exited(90_000).then((code) => ({ loser: a, winner: b, code })), b.exited(90_000).then((code) => ({ loser: b, winner: a, code }))]);
    expect(first.code, first.loser.stderr).toBe(1);
    expect(first.loser.stderr.trim().split("\n").pop()).toBe(
      `redis-dts sync: task "pg-same" is already being run by another redis-dts process (process ${first.winner.pid} on ${os.hostname()}); stop it first`,
    );
    await first.winner.waitState("synchronizing", 60_000);
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      expect(Number((await c.query(`SELECT count(*) AS n FROM "Task" WHERE name = $1`, ["pg-same"])).rows[0].n)).toBe(1);
    } finally {
      await c.end();
    }
  });
});
