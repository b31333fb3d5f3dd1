import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../server/testing/free-port";
import { percentile } from "./stats";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ADMIN_PASSWORD = "bench-admin-password";

export interface ProbeResult {
  available: boolean;
  /** why there is no figure (console missing, route missing, sign-in refused…) */
  reason?: string;
  route?: string;
  samples: number;
  errors: number;
  p50Ms?: number;
  p95Ms?: number;
  maxMs?: number;
  /** the first timed request: the task's first status after it started, as an operator opening its page sees it */
  firstMs?: number;
}

/** A console measurement that could not be made, with its reason. */
export const unavailable = (reason: string): ProbeResult => ({ available: false, reason, samples: 0, errors: 0 });

/**
 * The console (`npm start` = scripts/start.mjs) on a free port against the benchmark's data folder,
 * signed in as the admin; `probe(taskName)` polls the task's status route every 100 ms while a sync
 * runs. Every failure to get there becomes "not available" with the reason, never a made-up figure.
 */
export class ConsoleProbe {
  private proc: ChildProcess | null = null;
  private base = "";
  private cookie = "";
  private log = "";
  failure: string | null = null;

  constructor(private readonly dataDir: string, private readonly env: NodeJS.ProcessEnv) {}

  async start(o: { allowBuild: boolean; readyTimeoutMs: number }): Promise<boolean> {
    try {
      const { needsBuild } = await import(path.join(root, "scripts/start-build.mjs"));
      const reason: string | null = needsBuild(root, ".next");
      if (reason && !o.allowBuild) return this.fail(`the console build is not current (${reason}); the quick run does not build it (run \`npm start\` once, or the full benchmark)`);
      const port = await freePort();
      this.base = `http://127.0.0.1:${port}`;
      const env: NodeJS.ProcessEnv = { ...this.env, PORT: String(port), HOST: "127.0.0.1", REDIS_DTS_DATA_DIR: this.dataDir, ADMIN_PASSWORD };
      delete env.DATABASE_URL;
      this.proc = spawn(process.execPath, [path.join(root, "scripts/start.mjs")], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
      const keep = (d: Buffer) => (this.log = (this.log + d.toString()).slice(-4000));
      this.proc.stdout!.on("data", keep);
      this.proc.stderr!.on("data", keep);
      const deadline = Date.now() + o.readyTimeoutMs;
      for (;;) {
        if (this.proc.exitCode !== null) return this.fail(`the console exited (${this.proc.exitCode}): ${this.log.trim().slice(-600)}`);
        try {
          const r = await fetch(`${this.base}/api/tasks`, { signal: AbortSignal.timeout(5000) });
          if (r.status === 401 || r.ok) break;
          if (r.status === 404) return this.fail("the console has no /api/tasks route");
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) return this.fail(`the console did not answer within ${o.readyTimeoutMs / 1000} s: ${this.log.trim().slice(-600)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      const session = spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join(root, "bench/console-session.ts")], { cwd: root, env, encoding: "utf8", timeout: 60_000 });
      if (session.status !== 0) return this.fail(`could not open a console session: ${(session.stderr || session.stdout).trim().slice(-400)}`);
      this.cookie = `redis_dts_session=${session.stdout.trim()}`;
      const check = await fetch(`${this.base}/api/tasks`, { headers: { cookie: this.cookie } });
      if (!check.ok) return this.fail(`GET /api/tasks with a session answered ${check.status}`);
      return true;
    } catch (err) {
      return this.fail(`the console could not be started: ${(err as Error).message}`);
    }
  }

  private fail(reason: string): false {
    this.failure = reason;
    return false;
  }

  /** The task's own status route when the console has one, else the task list (which carries every task's state). */
  private async route(taskName: string): Promise<string | null> {
    const r = await fetch(`${this.base}/api/tasks`, { headers: { cookie: this.cookie } });
    if (!r.ok) return null;
    const body = (await r.json()) as { tasks?: Array<{ id: string; name: string }> };
    const task = body.tasks?.find((t) => t.name === taskName);
    if (!task) return null;
    for (const candidate of [`/api/tasks/${task.id}/status`, `/api/tasks/${task.id}`]) {
      const one = await fetch(`${this.base}${candidate}`, { headers: { cookie: this.cookie } });
      await one.arrayBuffer();
      if (one.ok) return candidate;
    }
    return "/api/tasks";
  }

  /** Polls until the returned stop() is called; then the response-time figures. */
  probe(taskName: string, intervalMs = 100): () => Promise<ProbeResult> {
    if (this.failure || !this.proc) {
      const reason = this.failure ?? "the console was not started";
      return async () => unavailable(reason);
    }
    const times: number[] = [];
    let errors = 0;
    let stopped = false;
    let route: string | null = null;
    const loop = (async () => {
      // the task row appears once the sync process has created it
      while (!stopped && !route) {
        route = await this.route(taskName).catch(() => null);
        if (!route) await new Promise((r) => setTimeout(r, intervalMs));
      }
      while (!stopped) {
        const began = performance.now();
        try {
          const r = await fetch(`${this.base}${route}`, { headers: { cookie: this.cookie }, signal: AbortSignal.timeout(10_000) });
          await r.arrayBuffer();
          if (r.ok) times.push(performance.now() - began);
          else errors++;
        } catch {
          errors++;
        }
        const wait = intervalMs - (performance.now() - began);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    })();
    return async () => {
      stopped = true;
      await loop;
      if (!route) return unavailable(`task ${taskName} never appeared in GET /api/tasks`);
      if (times.length === 0) return { ...unavailable(`every request to ${route} failed`), route, errors };
      return { available: true, route, samples: times.length, errors, p50Ms: percentile(times, 50), p95Ms: percentile(times, 95), maxMs: Math.max(...times), firstMs: times[0] };
    };
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    // start.mjs forwards SIGTERM to `next start`; the group kill covers a stuck child
    proc.kill("SIGTERM");
    const timer = setTimeout(() => {
      try {
        process.kill(-proc.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
  }
}
