import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { startRedis, stopAll, type RedisNode } from "../../testing/redis-harness";
import { startFakeMaster, type FakeMaster } from "../../testing/fake-master";
import { storedEvents } from "../../testing/resilience";

/**
 * Bad input through `redis-dts sync`: malformed URIs and ports, empty and huge fields, a port where
 * something accepts and says nothing, a port that speaks HTTP, a master that sends a corrupt RDB, a
 * wrong password. Each ends with a non-zero exit and a sentence that names the cause, never a stack
 * trace, and the password appears nowhere: not on stdout, stderr, nor in the stored events.
 */
const BIN = path.resolve(import.meta.dirname, "../../../bin/redis-dts");
const PASSWORD = "s3cret-Pa55-w0rd";
const dirs: string[] = [];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  dataDir: string;
}

function sync(...args: string[]): Promise<Run> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-bad-"));
  dirs.push(dataDir);
  return new Promise((resolve) => {
    const child = spawn(BIN, ["sync", ...args], {
      env: { ...process.env, REDIS_DTS_DATA_DIR: dataDir, DATABASE_URL: "", REDIS_DTS_SECRET: "test-secret-for-sync-tests-0123456789" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), 45_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, dataDir });
    });
  });
}

/** no stack trace, no password, and no raw JavaScript error names anywhere the operator looks */
function expectClean(r: Run, task?: string): void {
  const events = task ? storedEvents(r.dataDir, task).map((e) => e.message).join("\n") : "";
  for (const text of [r.stdout, r.stderr, events]) {
    expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(text).not.toMatch(/\b(TypeError|ReferenceError|RangeError|SyntaxError|ParserError)\b|Please report this|\[object Object\]|undefined/);
    expect(text).not.toContain(PASSWORD);
  }
}

/** a usage error: exit 2, exactly one line on stderr, nothing on stdout */
async function usage(args: string[], message: RegExp): Promise<void> {
  const r = await sync(...args);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe("");
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^redis-dts sync: /);
  expect(lines[0]).toMatch(message);
  expectClean(r);
}

/** a task that cannot run: exit 1, and the last stderr line says why */
async function fails(task: string, args: string[], message: RegExp): Promise<Run> {
  const r = await sync("--task", task, ...args);
  expect(r.code, r.stderr).toBe(1);
  const last = r.stderr.trimEnd().split("\n").pop() ?? "";
  expect(last, r.stderr).toMatch(new RegExp(`^task "${task}" (failed|precheck_failed): `));
  expect(last, r.stderr).toMatch(message);
  expectClean(r, task);
  return r;
}

let dst: RedisNode;
let locked: RedisNode;
let silent: net.Server;
let web: http.Server;
let fake: FakeMaster;
const port = (s: net.Server | http.Server) => (s.address() as net.AddressInfo).port;

beforeAll(async () => {
  [dst, locked] = await Promise.all([startRedis(), startRedis({ password: PASSWORD })]);
  silent = net.createServer(() => {});
  web = http.createServer((_req, res) => res.end("hello"));
  await Promise.all([silent, web].map((s) => new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()))));
  // a real RDB from Redis 7.0, then offered with bytes flipped in its middle
  const maker = await startRedis();
  const c = maker.client();
  for (let i = 0; i < 300; i++) await c.rpush(`list:${i}`, "a", "b", String(i));
  await c.save();
  const rdb = readFileSync(path.join(maker.dir, "dump.rdb"));
  fake = await startFakeMaster({ style: "psync2", rdb, corruptRdb: true, diskless: true });
});

afterAll(async () => {
  silent?.close();
  web?.close();
  await fake?.close();
  await stopAll();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("redis-dts sync with bad input", () => {
  it("malformed URIs and ports: one line, exit 2", async () => {
    const target = ["--target", "redis://127.0.0.1:1"];
    await usage(["--task", "t", "--source", "http://127.0.0.1:1", ...target], /unsupported scheme 'http:'/);
    await usage(["--task", "t", "--source", `redis://:${PASSWORD}@127.0.0.1:99999`, ...target], /invalid port '99999': a port is a number from 1 to 65535/);
    await usage(["--task", "t", "--source", `redis://u:${PASSWORD}@127.0.0.1:abc`, ...target], /invalid port 'abc'/);
    await usage(["--task", "t", "--source", `redis://:${PASSWORD}@127.0.0.1`, ...target], /missing port/);
    await usage(["--task", "t", "--source", "127.0.0.1:6380", ...target], /URI must look like redis:\/\//);
    await usage(["--task", "t", "--source", "", ...target], /empty URI/);
    await usage(["--task", "t", "--source", `redis://${"a".repeat(100_000)}:1`, ...target], /URI too long/);
    await usage(["--task", "t", "--source", "redis://127.0.0.1:1", "--target"], /--target needs a value/);
    await usage(["--task", "t", "--source", "redis://127.0.0.1:1", "--target", "redis://127.0.0.1:1", "--source-mode", "sentinel"], /--source-mode must be standalone or cluster/);
    await usage(["--task", "t", "--source", "redis://127.0.0.1:1", "--target", "redis://127.0.0.1:1", "--dbs", "0,x"], /--dbs must look like 0,1,2/);
  });

  it("empty and huge fields: one line, exit 2", async () => {
    const endpoints = ["--source", "redis://127.0.0.1:1", "--target", "redis://127.0.0.1:2"];
    await usage(["--task", "", ...endpoints], /--task NAME is required/);
    await usage(["--task", "   ", ...endpoints], /--task NAME is required/);
    await usage(["--task", "x".repeat(100_000), ...endpoints], /--task: Keep the task name under 128 characters/);
    await usage(["--task", "two\nlines", ...endpoints], /control characters/);
    await usage(["--task", "t", ...endpoints, "--db-map", "1:0,1:2"], /maps database 1 twice/);
    await usage(["--task", "t", ...endpoints, "--conflict", "x".repeat(10_000)], /--conflict must be intercept or ignore/);
  });

  it("a host that accepts the connection and says nothing", async () => {
    await fails("silent", ["--source", `redis://127.0.0.1:${port(silent)}`, "--target", dst.uri], /127\.0\.0\.1:\d+ accepted the TCP connection but did not answer/);
  });

  it("a port that speaks HTTP, as the source and as the destination", async () => {
    const http = /127\.0\.0\.1:\d+ speaks HTTP, not Redis \(it answered "HTTP\/1\.1 400 Bad Request"\)/;
    await fails("http-src", ["--skip-precheck", "--source", `redis://127.0.0.1:${port(web)}`, "--target", dst.uri], http);
    await fails("http-dst", ["--skip-precheck", "--source", dst.uri, "--target", `redis://127.0.0.1:${port(web)}`], http);
  });

  it("a master that sends a corrupt RDB", async () => {
    await fails("corrupt", ["--skip-precheck", "--source", `redis://127.0.0.1:${fake.port}`, "--target", (await startRedis()).uri], /corrupt RDB: .+ at byte offset \d+/);
  });

  it("a wrong password, for the source and for the destination, with and without the precheck", async () => {
    const wrong = "wr0ng-Pa55-w0rd";
    for (const pre of [[], ["--skip-precheck"]]) {
      const a = await fails(`pw-src${pre.length}`, [...pre, "--source", `redis://:${wrong}@127.0.0.1:${locked.port}`, "--target", dst.uri], /refused the password for the default user/);
      const b = await fails(`pw-dst${pre.length}`, [...pre, "--source", dst.uri, "--target", `redis://admin:${wrong}@127.0.0.1:${locked.port}`], /127\.0\.0\.1:\d+.*(refused the password|user 'admin')/);
      for (const r of [a, b]) expect(`${r.stdout}${r.stderr}`).not.toContain(wrong);
    }
    // the right password in the URI never shows either, even on a run that fails for another reason
    const r = await fails("pw-ok", ["--source", `redis://:${PASSWORD}@127.0.0.1:${locked.port}`, "--target", `redis://:${PASSWORD}@127.0.0.1:${locked.port}`], /same deployment/);
    expect(r.stderr).toMatch(/127\.0\.0\.1:\d+/);
  });
});
