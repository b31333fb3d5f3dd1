import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "./free-port";

/**
 * A PostgreSQL server of the test run's own (initdb in a temp folder, trust auth, a free port), for
 * machines where no usable server listens on 5432: the provider is tested everywhere the binaries
 * are, like Redis. As root the server runs as the `postgres` account (PostgreSQL refuses root).
 */
export interface OwnPgServer {
  adminUrl: string;
  stop(): Promise<void>;
}

/** The newest installed server binaries (Debian keeps them under /usr/lib/postgresql/<major>/bin). */
export function findPgBinDir(): string | null {
  const fromConfig = spawnSync("pg_config", ["--bindir"], { encoding: "utf8" });
  if (fromConfig.status === 0 && existsSync(path.join(fromConfig.stdout.trim(), "initdb"))) return fromConfig.stdout.trim();
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const majors = readdirSync(root).filter((d) => existsSync(path.join(root, d, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
  return majors.length > 0 ? path.join(root, majors[0], "bin") : null;
}

function runAs(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const r = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const g = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (r.status !== 0 || g.status !== 0) throw new Error("PostgreSQL refuses to run as root and there is no `postgres` account to run it as");
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

export async function startOwnPgServer(binDir: string): Promise<OwnPgServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-pg-server-"));
  const account = runAs();
  if (account) chownSync(dir, account.uid, account.gid);
  const data = path.join(dir, "data");
  const init = spawnSync(path.join(binDir, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"], {
    encoding: "utf8",
    cwd: dir,
    ...(account ?? {}),
  });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${(init.stderr || init.stdout).trim().split("\n").slice(-3).join(" ")}`);
  }
  const port = await freePort();
  const args = ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off"];
  let log = "";
  const proc: ChildProcess = spawn(path.join(binDir, "postgres"), args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"], ...(account ?? {}) });
  proc.stderr!.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((resolve) => proc.once("exit", resolve));
      proc.kill("SIGINT"); // fast shutdown
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", () => proc.kill("SIGKILL"));
  const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.end();
      return { adminUrl, stop };
    } catch (err) {
      await client.end().catch(() => {});
      if (proc.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`our own PostgreSQL did not start: ${(err as Error).message}; ${log.trim().split("\n").slice(-3).join(" ")}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
