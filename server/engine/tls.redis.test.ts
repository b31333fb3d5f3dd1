import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startCluster, startRedis, stopAll, waitFor, type RedisNode } from "../testing/redis-harness";
import { syncProcessPool } from "../testing/sync-process";
import { makeTestCerts, type TestCerts } from "../testing/tls-certs";

/**
 * Finding 6 of issue 13: TLS toward both sides, for every connection. TLS-only redis-server processes
 * (tls-port, port 0; the cluster bus and replication over TLS too) with certificates made by openssl.
 */
const BIN = path.resolve(import.meta.dirname, "../../bin/redis-dts");
let certs: TestCerts;

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(BIN, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function commandLines(pid: number): string[] {
  const out: string[] = [];
  const visit = (p: number) => {
    if (!existsSync(`/proc/${p}/cmdline`)) return;
    out.push(readFileSync(`/proc/${p}/cmdline`, "utf8").replace(/\0/g, " "));
    for (const e of readdirSync("/proc").filter((x) => /^\d+$/.test(x))) {
      try {
        const stat = readFileSync(`/proc/${e}/stat`, "utf8");
        if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === p) visit(Number(e));
      } catch {
        // gone
      }
    }
  };
  visit(pid);
  return out;
}

beforeAll(() => {
  certs = makeTestCerts();
});
afterAll(stopAll);

const sourceTls = () => ["--source-tls-ca", certs.caFile];
const targetTls = () => ["--target-tls-ca", certs.caFile, "--target-tls-cert", certs.clientCertFile, "--target-tls-key", certs.clientKeyFile];
const PASSWORDS = { REDIS_DTS_SOURCE_PASSWORD: "tls-src-pw", REDIS_DTS_TARGET_PASSWORD: "tls-dst-pw" };

describe("TLS, standalone", () => {
  const pool = syncProcessPool();
  let source: RedisNode;
  let target: RedisNode;
  beforeAll(async () => {
    // the destination also requires a client certificate
    [source, target] = await Promise.all([startRedis({ password: "tls-src-pw", tls: { certs } }), startRedis({ password: "tls-dst-pw", tls: { certs, authClients: true } })]);
  });
  afterEach(pool.cleanup);

  it("syncs between two TLS-only servers to Synchronizing, and compare says equal; no password in any command line", async () => {
    const s = source.client();
    await s.mset("a", "1", "b", "2");
    const src = `rediss://127.0.0.1:${source.port}`;
    const dst = `rediss://127.0.0.1:${target.port}`;
    const sync = pool.start(["--task", "tls-standalone", "--source", src, ...sourceTls(), "--target", dst, ...targetTls()], undefined, PASSWORDS);
    await sync.waitState("synchronizing");
    await s.set("after", "yes");
    await waitFor(async () => (await target.client().get("after")) === "yes", 30_000, "a write after the full sync");
    for (const line of commandLines(sync.pid!)) expect(line).not.toMatch(/tls-src-pw|tls-dst-pw/);
    const compare = await cli(["compare", "--source", src, ...sourceTls(), "--target", dst, ...targetTls(), "--json"], PASSWORDS);
    expect(compare.code, compare.stderr).toBe(0);
    expect(JSON.parse(compare.stdout)).toMatchObject({ equal: true });
  });

  it("reports a certificate or handshake failure as its own precheck item, with the fix", async () => {
    const src = `rediss://127.0.0.1:${source.port}`;
    const dst = `rediss://127.0.0.1:${target.port}`;
    const item = async (args: string[]) => {
      const r = await cli(["precheck", ...args, "--json"], PASSWORDS);
      const items = JSON.parse(r.stdout).items as Array<{ id: string; status: string; message: string; fix: string }>;
      return { source: items.find((i) => i.id === "source_tls")!, target: items.find((i) => i.id === "target_tls")! };
    };
    const ok = await item(["--source", src, ...sourceTls(), "--target", dst, ...targetTls()]);
    expect(ok.source).toMatchObject({ status: "passed" });
    expect(ok.target).toMatchObject({ status: "passed" });
    // a CA that did not sign the server's certificate
    const untrusted = await item(["--source", src, "--source-tls-ca", certs.otherCaFile, "--target", dst, "--target-tls-ca", certs.caFile]);
    expect(untrusted.source.status).toBe("failed");
    expect(untrusted.source.message).toMatch(/not signed by a trusted CA|chain ends in a CA that is not trusted/);
    expect(untrusted.source.fix).toMatch(/--source-tls-ca FILE/);
    // the destination requires a client certificate and none was given
    expect(untrusted.target.status).toBe("failed");
    expect(untrusted.target.fix).toMatch(/--target-tls-cert FILE/);
    // a name the certificate does not carry
    const name = await item(["--source", src, ...sourceTls(), "--source-tls-servername", "wrong.example", "--target", dst, ...targetTls()]);
    expect(name.source.status).toBe("failed");
    expect(name.source.message).toMatch(/does not name this host/);
    // verification off: a warning, said in the item
    const insecure = await item(["--source", src, "--source-tls-insecure", "--target", dst, ...targetTls()]);
    expect(insecure.source).toMatchObject({ status: "warning" });
    expect(insecure.source.message).toMatch(/NOT verified/);
    // TLS toward a port that does not speak it
    const plain = await startRedis();
    const noTls = await item(["--source", `rediss://127.0.0.1:${plain.port}`, ...sourceTls(), "--target", dst, ...targetTls()]);
    expect(noTls.source.status).toBe("failed");
    expect(noTls.source.fix).toMatch(/TLS port|without TLS/);
  });

  it("refuses bad certificate files with one clear line and exit 2", async () => {
    const src = `rediss://127.0.0.1:${source.port}`;
    const dst = `rediss://127.0.0.1:${target.port}`;
    const notPem = path.join(certs.dir, "not-pem.txt");
    writeFileSync(notPem, "hello\n");
    const cases: Array<[string[], RegExp]> = [
      [["--source-tls-ca", path.join(certs.dir, "missing.crt")], /--source-tls-ca: cannot read .*missing\.crt: no such file/],
      [["--source-tls-ca", notPem], /--source-tls-ca .*not-pem\.txt: not a PEM certificate/],
      [["--source-tls-cert", certs.serverCertFile, "--source-tls-key", certs.clientKeyFile], /--source-tls-key .*client\.key does not match the certificate/],
      [["--source-tls-cert", certs.clientCertFile], /needs its private key/],
    ];
    for (const [flags, message] of cases) {
      const r = await cli(["precheck", "--source", src, ...flags, "--target", dst, ...targetTls()], PASSWORDS);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });
});

describe("TLS, cluster", () => {
  const pool = syncProcessPool();
  afterEach(pool.cleanup);

  it("syncs a TLS-only cluster into a TLS-only cluster (bus and replication over TLS) and compare says equal", async () => {
    const [src, dst] = await Promise.all([startCluster({ masters: 3, password: "tls-src-pw", tls: { certs } }), startCluster({ masters: 3, password: "tls-dst-pw", tls: { certs } })]);
    const s = src.client();
    for (let i = 0; i < 30; i++) await s.set(`k${i}`, String(i));
    const srcUri = `rediss://127.0.0.1:${src.nodes[0].port}`;
    const dstUri = `rediss://127.0.0.1:${dst.nodes[0].port}`;
    const common = ["--source", srcUri, "--source-mode", "cluster", ...sourceTls(), "--target", dstUri, "--target-mode", "cluster", "--target-tls-ca", certs.caFile];
    const sync = pool.start(["--task", "tls-cluster", ...common], undefined, PASSWORDS);
    await sync.waitState("synchronizing", 90_000);
    await s.set("after", "yes");
    await waitFor(async () => (await dst.client().get("after")) === "yes", 30_000, "a write after the full sync");
    for (const line of commandLines(sync.pid!)) expect(line).not.toMatch(/tls-src-pw|tls-dst-pw/);
    const compare = await cli(["compare", ...common, "--json"], PASSWORDS);
    expect(compare.code, compare.stderr).toBe(0);
    expect(JSON.parse(compare.stdout)).toMatchObject({ equal: true });
  });
});
