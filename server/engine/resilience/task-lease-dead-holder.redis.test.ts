import { afterAll, afterEach, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { startRedis, stopAll, waitFor } from "../../testing/redis-harness";
import { syncProcessPool } from "../../testing/sync-process";

/**
 * A lease names a process, not a pid: a holder killed with -9 that its parent has not reaped yet (a
 * zombie, which `kill(pid, 0)` still finds) and a pid the kernel has since given to another process
 * are dead holders, taken over at once; a holder on another machine is waited for with `--wait`.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const pool = syncProcessPool();
const parents: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const p of parents.splice(0)) p.kill("SIGKILL");
  await pool.cleanup();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
afterAll(stopAll);

function taskRow(dataDir: string, task: string): { state: string; leaseOwner: string | null } | undefined {
  const db = new Database(path.join(dataDir, "redis-dts.db"), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(`SELECT state, leaseOwner FROM Task WHERE name = ?`).get(task) as { state: string; leaseOwner: string | null } | undefined;
  } finally {
    db.close();
  }
}

function setLease(dataDir: string, task: string, owner: string, expiresAt: Date): void {
  const db = new Database(path.join(dataDir, "redis-dts.db"), { timeout: 15_000 });
  try {
    // written the way the store writes it (Prisma's SQLite adapter: ISO text)
    const stored = (db.prepare(`SELECT typeof(leaseExpiresAt) AS t FROM Task WHERE name = ?`).get(task) as { t: string }).t;
    const value = stored === "integer" ? expiresAt.getTime() : expiresAt.toISOString();
    db.prepare(`UPDATE Task SET leaseOwner = ?, leaseExpiresAt = ? WHERE name = ?`).run(owner, value, task);
  } finally {
    db.close();
  }
}

function procState(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
}

/** Runs `sync` as the child of a process that never reaps its children (as some container inits). */
async function syncUnderNonReapingParent(args: string[], dataDir: string): Promise<number> {
  const parent = spawn("sh", ["-c", `"$@" >/dev/null 2>&1 & echo $!; exec sleep 600`, "sh", path.join(root, "bin/redis-dts"), "sync", "--json", ...args], {
    cwd: root,
    env: { ...process.env, REDIS_DTS_DATA_DIR: dataDir, DATABASE_URL: "", REDIS_DTS_SECRET: "test-secret-for-sync-tests-0123456789" },
    stdio: ["ignore", "pipe", "ignore"],
  });
  parents.push(parent);
  let out = "";
  parent.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  await waitFor(() => /^\d+\n/.test(out), 10_000, "pid of the sync under sh");
  return Number(out.trim());
}

describe("a lease whose holder is dead by another sign than a missing pid", () => {
  it("a killed holder its parent has not reaped (a zombie) is taken over at once", async () => {
    const src = await startRedis();
    const dst = await startRedis();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-zombie-"));
    dirs.push(dataDir);
    const args = ["--task", "zombie", "--skip-precheck", "--source", src.uri, "--target", dst.uri];
    const pid = await syncUnderNonReapingParent(args, dataDir);
    await waitFor(() => { try { return taskRow(dataDir, "zombie")?.state === "synchronizing"; } catch { return false; } }, 60_000, "first sync synchronizing");
    process.kill(pid, "SIGKILL");
    await waitFor(() => procState(pid) === "Z", 5000, "holder is a zombie");
    expect(taskRow(dataDir, "zombie")?.leaseOwner).toMatch(new RegExp(`^${os.hostname()}:${pid}:`));

    await src.client().set("after-kill", "1");
    const second = pool.start(args, dataDir);
    await second.waitState("synchronizing", 30_000);
    await waitFor(async () => (await dst.client().get("after-kill")) === "1", 30_000, "write after the restart applied");
    expect(procState(pid)).toBe("Z");
  });

  it("a lease naming a live pid with another start time (a reused pid) is taken over", async () => {
    const src = await startRedis();
    const dst = await startRedis();
    const args = ["--task", "reused", "--skip-precheck", "--source", src.uri, "--target", dst.uri];
    const first = pool.start(args);
    await first.waitState("synchronizing");
    await first.kill();

    // the pid is alive (a sleep of ours) but the lease recorded a process started at another time
    const sleeper = spawn("sleep", ["600"], { stdio: "ignore" });
    parents.push(sleeper);
    const boot = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim().replace(/-/g, "").slice(0, 12);
    setLease(first.dataDir, "reused", `${os.hostname()}:${sleeper.pid}:${Date.now()}:1@${boot}`, new Date(Date.now() + 60_000));

    const second = pool.start(args, first.dataDir);
    await second.waitState("synchronizing", 30_000);
    expect(taskRow(first.dataDir, "reused")!.leaseOwner).toMatch(new RegExp(`^${os.hostname()}:${second.pid}:\\d+:\\d+@${boot}$`));
  });

  it("a holder on another machine: refused with when its lease expires; --wait runs once it has", { timeout: 120_000 }, async () => {
    const src = await startRedis();
    const dst = await startRedis();
    const args = ["--task", "remote", "--skip-precheck", "--source", src.uri, "--target", dst.uri];
    const first = pool.start(args);
    await first.waitState("synchronizing");
    await first.stop();
    const expires = new Date(Date.now() + 600_000);
    setLease(first.dataDir, "remote", "other-machine:4242:1700000000000:1@abc", expires);

    const refused = pool.start(args, first.dataDir);
    expect(await refused.exited()).toBe(1);
    expect(refused.stderr).toContain(`(process 4242 on other-machine; its lease expires at ${expires.toISOString()} unless that process renews it); stop it first`);

    const waiting = pool.start([...args, "--wait"], first.dataDir);
    await waitFor(() => waiting.stderr.includes("waiting for process 4242 on other-machine"), 60_000, "waiting message");
    expect(waiting.running).toBe(true);
    expect(waiting.lines).toEqual([]);
    // the other machine's process stops renewing: its lease runs out
    setLease(first.dataDir, "remote", "other-machine:4242:1700000000000:1@abc", new Date(Date.now() - 1000));
    await waiting.waitState("synchronizing", 60_000);
  });
});
