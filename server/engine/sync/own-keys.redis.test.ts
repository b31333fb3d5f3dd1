import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Cluster, Redis } from "ioredis";
import { startCluster, startRedis, stopAll, waitFor, type RedisNode } from "../../testing/redis-harness";
import { syncProcessPool } from "../../testing/sync-process";
import { endpointOf, seedData, waitCaughtUp } from "../../testing/sync-fixtures";
import { compare } from "../compare";

/**
 * The product's own keys (heartbeats, fences, temporary keys) against real servers: they are never
 * counted as data (full-sync status, verification), and finishing or deleting a task removes its own
 * keys from every master of both sides, never another task's.
 */
const pool = syncProcessPool();
afterEach(pool.cleanup);
afterAll(stopAll);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

const OWN = "DTS_REDIS_TIMESTAMP_HEARTBEAT";

async function ownKeys(nodes: RedisNode[], pattern = `${OWN}*`): Promise<string[]> {
  const out: string[] = [];
  for (const n of nodes) {
    const c = n.client();
    for (let db = 0; db < (n.options.config?.["cluster-enabled"] ? 1 : 16); db++) {
      await c.select(db);
      out.push(...(await c.keys(pattern)));
    }
  }
  return out.sort();
}

function taskId(dataDir: string, name: string): string {
  const db = new Database(path.join(dataDir, "redis-dts.db"), { readonly: true });
  try {
    return (db.prepare("SELECT id FROM Task WHERE name = ?").get(name) as { id: string }).id;
  } finally {
    db.close();
  }
}

/** `redis-dts <args>` on a sync's data folder: exit code and output */
function cli(dataDir: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(path.join(root, "bin/redis-dts"), args, {
      cwd: root,
      env: { ...process.env, REDIS_DTS_DATA_DIR: dataDir, DATABASE_URL: "", REDIS_DTS_SECRET: "test-secret-for-sync-tests-0123456789" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    p.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** INCR on keys spread over many slots: writes that are not replay-safe, so each slot gets a fence */
async function fencedWrites(c: Redis | Cluster, n = 30): Promise<void> {
  for (let i = 0; i < n; i++) await c.incr(`counter:${i}`);
}

describe("redis-dts's own keys", () => {
  it("standalone: the full synchronization counts the source's data keys, not own keys in its RDB", async () => {
    const src = await startRedis();
    const dst = await startRedis();
    const c = src.client();
    await seedData(c, "a:");
    // an earlier task's heartbeat and the cloud DTS's key, in the RDB the source sends
    await c.set(`${OWN}:oldtask:{0}`, "1");
    await c.set(OWN, "1");
    const p = pool.start(["--task", "counts", "--skip-precheck", "--source", src.uri, "--target", dst.uri]);
    const ready = await p.waitState("synchronizing");
    expect(ready.fullSync.keys).toBe(200);
    // they were written all the same: the destination shows the last synchronized time
    expect(await dst.client().exists(`${OWN}:oldtask:{0}`, OWN)).toBe(2);
  });

  it("cluster → cluster: full-sync count and verification ignore heartbeats and fences on both sides", async () => {
    const src = await startCluster({ masters: 3 });
    const dst = await startCluster({ masters: 3 });
    const c = src.client();
    await seedData(c, "a:");
    for (const tag of ["a", "b", "c"]) await c.set(`${OWN}:oldtask:{${tag}}`, "1");
    const p = pool.start(["--task", "cc", "--skip-precheck", "--source", src.uri, "--source-mode", "cluster", "--target", dst.uri, "--target-mode", "cluster"]);
    const ready = await p.waitState("synchronizing");
    expect(ready.fullSync.keys).toBe(200);

    await fencedWrites(c);
    await waitCaughtUp(p, await src.masters());
    const dstMasters = await dst.masters();
    const fences = (await ownKeys(dstMasters)).filter((k) => k.includes(":fence:"));
    expect(fences.length).toBeGreaterThan(3);
    const dataKeys = 230;
    let dbsize = 0;
    for (const m of dstMasters) dbsize += await m.client().dbsize();
    // the destination holds more keys than data: heartbeats, fences and the old task's keys
    expect(dbsize).toBeGreaterThan(dataKeys + fences.length);

    let estimated = -1;
    const r = await compare({
      source: endpointOf(src, "cluster"),
      target: endpointOf(dst, "cluster"),
      mode: "full",
      rounds: 3,
      recheckDelayMs: 300,
      onProgress: (x) => (estimated = x.estimatedTotal),
    });
    expect(r).toMatchObject({ equal: true, keys: dataKeys, missing: 0, extra: 0, different: 0 });
    expect(estimated).toBe(2 * dataKeys);
  });

  it("finish and delete (CLI) remove the task's own keys from every master of both sides, and no other task's", async () => {
    const src = await startCluster({ masters: 3 });
    const dst = await startCluster({ masters: 3 });
    const c = src.client();
    await seedData(c, "a:", 50);
    // two tasks into one destination (both overwrite: the same data)
    const args = ["--skip-precheck", "--conflict", "ignore", "--source", src.uri, "--source-mode", "cluster", "--target", dst.uri, "--target-mode", "cluster"];
    const a = pool.start(["--task", "first", ...args]);
    // one after the other: two processes creating the SQLite database at once race on its migration
    await a.waitState("synchronizing");
    const b = pool.start(["--task", "second", ...args], a.dataDir);
    await b.waitState("synchronizing");
    await fencedWrites(c);
    const srcMasters = await src.masters();
    const dstMasters = await dst.masters();
    await Promise.all([waitCaughtUp(a, srcMasters), waitCaughtUp(b, srcMasters)]);
    const [idA, idB] = [taskId(a.dataDir, "first"), taskId(a.dataDir, "second")];
    const mine = (id: string) => `${OWN}:${id}:*`;
    // each task: a heartbeat on every source master, and heartbeats and fences on the destination
    await waitFor(async () => (await ownKeys(srcMasters, mine(idA))).length === 3 && (await ownKeys(srcMasters, mine(idB))).length === 3, 10_000, "heartbeats on every source master");
    expect((await ownKeys(dstMasters, mine(idA))).filter((k) => k.includes(":fence:")).length).toBeGreaterThan(3);
    await c.set(`${OWN}:someoneelse:{a}`, "1");

    // refused while a process runs the task
    const busy = await cli(a.dataDir, ["finish", "--task", "second"]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/task "second" is being run by another redis-dts process \(process \d+ on .+\); stop it first/);

    expect(await a.stop()).toBe(0);
    const finished = await cli(a.dataDir, ["finish", "--task", "first", "--json"]);
    expect(finished.code, finished.stderr).toBe(0);
    const out = JSON.parse(finished.stdout);
    expect(out).toMatchObject({ task: "first", state: "finished", warnings: [] });
    expect(out.removed.source).toBe(3);
    expect(out.removed.target).toBeGreaterThan(6);
    expect(await ownKeys(srcMasters, mine(idA))).toEqual([]);
    expect(await ownKeys(dstMasters, mine(idA))).toEqual([]);
    // the other task still runs and keeps its keys
    expect(await ownKeys(srcMasters, mine(idB))).toHaveLength(3);
    expect((await ownKeys(dstMasters, mine(idB))).length).toBeGreaterThan(3);

    expect(await b.stop()).toBe(0);
    const deleted = await cli(a.dataDir, ["delete", "--task", "second"]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stderr).toMatch(/removed this task's own keys .*: \d+ from the destination, 3 from the source/);
    expect(await ownKeys([...srcMasters, ...dstMasters], mine(idB))).toEqual([]);
    // a key of a task this console does not know survives, on the source and (replicated) on the destination
    expect(await ownKeys(srcMasters)).toEqual([`${OWN}:someoneelse:{a}`]);
    expect(await ownKeys(dstMasters)).toEqual([`${OWN}:someoneelse:{a}`]);
    const gone = await cli(a.dataDir, ["finish", "--task", "second"]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/no task named "second"/);
  });
});
