import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync, copyFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis, Cluster } from "ioredis";
import { freePort } from "./free-port";
import type { TestCerts } from "./tls-certs";

/**
 * Real redis-server processes for tests: started on free ports in a temp folder, stopped (and their
 * folders removed) by stopAll(), by node's exit even when a test failed, and never on 6379.
 */

export interface RedisOptions {
  /** requirepass for the default user */
  password?: string;
  /** ACL SETUSER rules, e.g. { dts: "on >pw ~* &* +@all" } */
  aclUsers?: Record<string, string>;
  /** extra config: `{ "maxmemory-policy": "allkeys-lru" }`; array values repeat the directive */
  config?: Record<string, string | string[]>;
  /** binary to run (default redis-server on PATH; valkey-server for cross-version tests) */
  binary?: string;
  /** fixed port (default: a free one) */
  port?: number;
  /** an RDB file the server loads at startup (copied into its folder as dump.rdb) */
  rdbFile?: string;
  /** TLS only: the port is a tls-port (plain port 0), replication and the cluster bus over TLS too */
  tls?: { certs: TestCerts; authClients?: boolean };
}

/** What a test client needs to reach a node of these options (password, TLS with the client certificate). */
export function clientOptions(opts: RedisOptions): { password?: string; tls?: { ca: string; cert: string; key: string } } {
  return {
    password: opts.password,
    ...(opts.tls && { tls: { ca: opts.tls.certs.ca, cert: opts.tls.certs.clientCert, key: opts.tls.certs.clientKey } }),
  };
}

export interface RedisNode {
  host: string;
  port: number;
  dir: string;
  options: RedisOptions;
  /** redis://[:password@]127.0.0.1:port for the default user */
  uri: string;
  /** a new ioredis client for the default user; closed by stopAll() */
  client(): Redis;
  /** SIGTERM and wait for exit (no save: test servers keep nothing) */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit */
  kill(): Promise<void>;
  /** start again on the same port and folder */
  restart(): Promise<void>;
  running(): boolean;
  logTail(lines?: number): string;
}

const BASE_CONFIG: Record<string, string> = {
  save: '""',
  appendonly: "no",
  "repl-diskless-sync-delay": "0",
  bind: "127.0.0.1",
  "protected-mode": "no",
  loglevel: "notice",
};

const live = new Set<{ proc: ChildProcess | null; dir: string; clients: Set<Redis> }>();
const tempRoot = () => process.env.REDIS_DTS_TEST_TMP ?? os.tmpdir();

let checked = false;
export function assertRedisInstalled(binary = "redis-server"): void {
  if (checked && binary === "redis-server") return;
  const probe = spawnSync(binary, ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new Error(`${binary} is not installed or not on PATH: install it (apt-get install -y redis-server) to run the tests`);
  }
  if (binary === "redis-server") checked = true;
}

function configText(port: number, dir: string, opts: RedisOptions): string {
  const t = opts.tls;
  const tlsLines = t
    ? [`port 0`, `tls-port ${port}`, `tls-cert-file ${t.certs.serverCertFile}`, `tls-key-file ${t.certs.serverKeyFile}`, `tls-ca-cert-file ${t.certs.caFile}`, `tls-auth-clients ${t.authClients ? "yes" : "no"}`, "tls-replication yes", "tls-cluster yes"]
    : [`port ${port}`];
  const lines = [...tlsLines, `dir ${dir}`, `logfile ${path.join(dir, "redis.log")}`, `pidfile ${path.join(dir, "redis.pid")}`];
  const merged: Record<string, string | string[]> = { ...BASE_CONFIG, ...(opts.config ?? {}) };
  for (const [k, v] of Object.entries(merged)) for (const one of Array.isArray(v) ? v : [v]) lines.push(`${k} ${one}`);
  if (opts.password !== undefined) lines.push(`requirepass ${opts.password}`);
  for (const [user, rules] of Object.entries(opts.aclUsers ?? {})) lines.push(`user ${user} ${rules}`);
  return lines.join("\n") + "\n";
}

async function waitReady(node: RedisNode, proc: ChildProcess, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`redis-server on ${node.port} exited: ${node.logTail(20)}`);
    const c = new Redis({ host: node.host, port: node.port, ...clientOptions(node.options), lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    c.on("error", () => {});
    try {
      await c.connect();
      const pong = await c.ping();
      c.disconnect();
      if (pong === "PONG") return;
    } catch {
      c.disconnect();
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server on ${node.port} did not become ready: ${node.logTail(20)}`);
}

export async function startRedis(opts: RedisOptions = {}): Promise<RedisNode> {
  const binary = opts.binary ?? "redis-server";
  assertRedisInstalled(binary);
  const port = opts.port ?? (await freePort());
  if (port === 6379) throw new Error("tests never use port 6379");
  const dir = mkdtempSync(path.join(tempRoot(), `redis-dts-${port}-`));
  const conf = path.join(dir, "redis.conf");
  writeFileSync(conf, configText(port, dir, opts));
  if (opts.rdbFile) copyFileSync(opts.rdbFile, path.join(dir, "dump.rdb"));
  const record = { proc: null as ChildProcess | null, dir, clients: new Set<Redis>() };
  live.add(record);
  const launch = () => {
    const proc = spawn(binary, [conf], { stdio: "ignore" });
    proc.on("error", () => {});
    record.proc = proc;
    return proc;
  };
  const waitExit = (proc: ChildProcess | null) =>
    new Promise<void>((resolve) => {
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once("exit", () => resolve());
    });
  const node: RedisNode = {
    host: "127.0.0.1",
    port,
    dir,
    options: opts,
    uri: `${opts.tls ? "rediss" : "redis"}://${opts.password !== undefined ? `:${encodeURIComponent(opts.password)}@` : ""}127.0.0.1:${port}`,
    client() {
      const c = new Redis({ host: "127.0.0.1", port, ...clientOptions(opts), maxRetriesPerRequest: 3, lazyConnect: false });
      c.on("error", () => {});
      record.clients.add(c);
      return c;
    },
    async stop() {
      const proc = record.proc;
      proc?.kill("SIGTERM");
      await waitExit(proc);
    },
    async kill() {
      const proc = record.proc;
      proc?.kill("SIGKILL");
      await waitExit(proc);
    },
    async restart() {
      await node.stop();
      await waitReady(node, launch());
    },
    running() {
      return record.proc !== null && record.proc.exitCode === null && record.proc.signalCode === null;
    },
    logTail(lines = 30) {
      const log = path.join(dir, "redis.log");
      return existsSync(log) ? readFileSync(log, "utf8").split("\n").slice(-lines).join("\n") : "(no log)";
    },
  };
  await waitReady(node, launch());
  return node;
}

export interface MasterReplica {
  master: RedisNode;
  replicas: RedisNode[];
}

export async function startMasterReplica(replicaCount = 1, opts: RedisOptions = {}): Promise<MasterReplica> {
  const master = await startRedis(opts);
  const replicas: RedisNode[] = [];
  for (let i = 0; i < replicaCount; i++) {
    const config = { ...(opts.config ?? {}), replicaof: `127.0.0.1 ${master.port}`, ...(opts.password ? { masterauth: opts.password } : {}) };
    replicas.push(await startRedis({ ...opts, config }));
  }
  for (const r of replicas) await waitFor(async () => (await info(r, "replication")).includes("master_link_status:up"), 20_000, "replica link up");
  return { master, replicas };
}

export interface RedisClusterHandle {
  nodes: RedisNode[];
  /** the nodes that serve slots now (changes after a failover) */
  masters(): Promise<RedisNode[]>;
  replicas(): Promise<RedisNode[]>;
  /** a seed URI (any node) */
  uri: string;
  /** an ioredis Cluster client; closed by stopAll() */
  client(): Cluster;
}

export async function startCluster(opts: { masters?: number; replicasPerMaster?: number } & RedisOptions = {}): Promise<RedisClusterHandle> {
  const masters = opts.masters ?? 3;
  const perMaster = opts.replicasPerMaster ?? 0;
  const nodes: RedisNode[] = [];
  for (let i = 0; i < masters * (1 + perMaster); i++) {
    nodes.push(
      await startRedis({
        ...opts,
        config: { ...(opts.config ?? {}), "cluster-enabled": "yes", "cluster-config-file": "nodes.conf", "cluster-node-timeout": "2000", ...(opts.password ? { masterauth: opts.password } : {}) },
      }),
    );
  }
  const args = ["--cluster", "create", ...nodes.map((n) => `127.0.0.1:${n.port}`), "--cluster-replicas", String(perMaster), "--cluster-yes"];
  if (opts.password) args.push("-a", opts.password, "--no-auth-warning");
  if (opts.tls) args.push("--tls", "--cacert", opts.tls.certs.caFile, "--cert", opts.tls.certs.clientCertFile, "--key", opts.tls.certs.clientKeyFile);
  const created = spawnSync("redis-cli", args, { encoding: "utf8", timeout: 60_000 });
  if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}\n${created.stderr}`);
  for (const n of nodes) await waitFor(async () => (await info(n, "cluster", "CLUSTER INFO")).includes("cluster_state:ok"), 30_000, `cluster_state:ok on ${n.port}`);
  if (perMaster > 0) {
    await waitFor(async () => {
      for (const n of nodes) {
        const rep = await info(n, "replication");
        if (rep.includes("role:slave") && !rep.includes("master_link_status:up")) return false;
      }
      return true;
    }, 30_000, "cluster replicas in sync");
    // Roles spread by gossip: until every node lists every replica, CLUSTER NODES on one of them
    // may still show a replica as a slot-less master.
    const expected = masters * perMaster;
    await waitFor(async () => {
      for (const n of nodes) {
        const lines = (await info(n, "", "CLUSTER NODES")).split("\n");
        if (lines.filter((l) => / (slave|replica)[ ,]|,(slave|replica) /.test(l)).length < expected) return false;
      }
      return true;
    }, 30_000, "every node knows every replica");
  }
  const byRole = async (role: "master" | "slave") => {
    const out: RedisNode[] = [];
    for (const n of nodes) if (n.running() && (await info(n, "replication")).includes(`role:${role}`)) out.push(n);
    return out;
  };
  const handle: RedisClusterHandle = {
    nodes,
    masters: () => byRole("master"),
    replicas: () => byRole("slave"),
    uri: nodes[0].uri,
    client() {
      const c = new Cluster(nodes.map((n) => ({ host: n.host, port: n.port })), { redisOptions: clientOptions(opts) });
      c.on("error", () => {});
      clusterClients.add(c);
      return c;
    },
  };
  return handle;
}

const clusterClients = new Set<Cluster>();

/** INFO section text (or another command's text reply) from a node, on a short-lived connection. */
export async function info(node: RedisNode, section = "", command?: string): Promise<string> {
  const c = new Redis({ host: node.host, port: node.port, ...clientOptions(node.options), lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on("error", () => {});
  try {
    await c.connect();
    const [cmd, ...rest] = (command ?? `INFO ${section}`).trim().split(/\s+/);
    return String(await c.call(cmd, ...rest));
  } catch {
    return "";
  } finally {
    c.disconnect();
  }
}

export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Stops every server this process started and removes their folders. Call in afterAll. */
export async function stopAll(): Promise<void> {
  for (const c of clusterClients) c.disconnect();
  clusterClients.clear();
  const waits: Promise<void>[] = [];
  for (const rec of live) {
    for (const c of rec.clients) c.disconnect();
    const proc = rec.proc;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      waits.push(new Promise((resolve) => { proc.once("exit", () => resolve()); proc.kill("SIGKILL"); }));
    }
  }
  await Promise.all(waits);
  for (const rec of live) rmSync(rec.dir, { recursive: true, force: true });
  live.clear();
}

process.on("exit", () => {
  for (const rec of live) {
    try { rec.proc?.kill("SIGKILL"); } catch { /* already gone */ }
    try { rmSync(rec.dir, { recursive: true, force: true }); } catch { /* best effort */ }
  }
});
